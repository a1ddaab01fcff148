//go:build tools

// Package tools pins the Pulumi CLI as a dependency of this wrapper module:
// pkg/go.mod has replace directives, so `go install pkg@version` refuses it.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
