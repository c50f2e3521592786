//go:build !unix

package main

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup does nothing here: localrun runs functions on Linux and macOS (and in WSL);
// this file only keeps the package building elsewhere.
func ownProcessGroup(*exec.Cmd) {}

// signalGroup signals the process alone.
func signalGroup(cmd *exec.Cmd, sig syscall.Signal) {
	if sig == syscall.SIGKILL {
		_ = cmd.Process.Kill()
		return
	}
	_ = cmd.Process.Signal(sig)
}
