# A Windows path pasted into a quoted string: each backslash starts an escape.
# expect: error 6:20 "invalid escape sequence" "exactly 8 hexadecimal digits"
# expect: error 6:26 "invalid escape sequence \"\\p\"" "Write \\\\ for a literal backslash"
# expect: error 6:29 "invalid escape sequence \"\\k\""
ssh {
  private_key = "C:\Users\pi\key"
}
