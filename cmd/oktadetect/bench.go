package main

import (
	"context"
	"errors"
	"io"
)

func benchCommand(_ context.Context, _ []string, _, _ io.Writer) error {
	return errors.New("bench: TODO")
}
