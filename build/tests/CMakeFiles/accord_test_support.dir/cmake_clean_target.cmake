file(REMOVE_RECURSE
  "libaccord_test_support.a"
)
