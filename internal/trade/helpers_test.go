package trade_test

import "os"

func hasPostgres() bool { return os.Getenv("OCOP_TEST_POSTGRES_URL") != "" }
