{
  "targets": [
    {
      "target_name": "brook",
      "sources": ["addon.c", "crc32c.c", "write-queue.c"],
      "cflags": ["-O3", "-Wall", "-Wextra"]
    }
  ]
}
