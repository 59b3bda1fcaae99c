// Package zed is the pbxsim dialect of Zed, a made-up PBX vendor that
// exists only to test the plug-in interfaces (test/thirdvendor). Its API:
//
//	GET    /zed/v1/tenants/{tenant}/users/{user}/calls          the user's live legs
//	POST   /zed/v1/tenants/{tenant}/users/{user}/calls/{leg}/answer
//	DELETE /zed/v1/tenants/{tenant}/users/{user}/calls/{leg}    hang up
//
// Every request carries "Authorization: Zed <tenant key>"; every error is
// {"zedError": {"kind": ..., "message": ...}} with the kind's status.
package zed
