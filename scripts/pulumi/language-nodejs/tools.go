//go:build tools

// Package tools pins the Node.js language host as a dependency of this
// wrapper module, so it builds from the module proxy with a committed go.sum.
package tools

import _ "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs"
