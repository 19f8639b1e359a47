{
  "targets": [
    {
      "target_name": "gongzhi_sm2",
      "sources": ["sm2_verify.c"],
      "cflags": ["-O2", "-Wall", "-Wno-deprecated-declarations"],
      "ldflags": ["-Wl,-z,now"]
    }
  ]
}
