//go:build unix

package pbxsim

import "syscall"

// fileLimit is the process's soft limit on open files, or 0 if unknown.
func fileLimit() int {
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl) != nil || rl.Cur > 1<<30 {
		return 0
	}
	return int(rl.Cur)
}
