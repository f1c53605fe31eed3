file(REMOVE_RECURSE
  "libaccord.a"
)
