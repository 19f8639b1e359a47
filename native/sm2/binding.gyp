{
  "targets": [
    {
      "target_name": "gongzhi_sm2",
      "sources": ["sm2_verify.c", "sm4_ctr.c"],
      "cflags": ["-O2", "-Wall", "-Wno-deprecated-declarations"],
      "ldflags": ["-Wl,-z,now"]
    }
  ]
}
