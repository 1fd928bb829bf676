package p
func f() { for { defer