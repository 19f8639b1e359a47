{
  "targets": [
    {
      "target_name": "gongzhi_ristretto",
      "sources": ["ristretto_combine.c"],
      "cflags": ["-O2", "-Wall"],
      "libraries": ["-lsodium"],
      "ldflags": ["-Wl,-z,now"]
    }
  ]
}
