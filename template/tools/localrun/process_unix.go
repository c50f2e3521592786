//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts cmd in a process group of its own. A signal then reaches everything it
// starts (the dlv that a debug wrapper execs, the server a local-AWS script runs), and the
// terminal's Ctrl-C reaches localrun alone, which stops the processes in order.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// signalGroup sends sig to the process group of a command started with ownProcessGroup.
func signalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	_ = syscall.Kill(-cmd.Process.Pid, sig)
}
