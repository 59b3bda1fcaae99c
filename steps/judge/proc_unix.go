//go:build unix

package judge

import (
	"os/exec"
	"syscall"
)

// stopGroup runs the command in its own process group and, when its
// deadline passes, kills the whole group: "go run" and shell wrappers leave
// children behind otherwise.
func stopGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
