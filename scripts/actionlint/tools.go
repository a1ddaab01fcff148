//go:build tools

// Package tools pins actionlint, the GitHub Actions workflow linter the tests
// run on .github/workflows (see scripts/setup.sh).
package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
