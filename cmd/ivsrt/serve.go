package main

import "io"

func serve(args []string, stdout, stderr io.Writer) int { return 2 }
