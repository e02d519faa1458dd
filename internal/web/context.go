package web

import "context"

func contextWith(ctx context.Context, lang, csrf string) context.Context {
	ctx = context.WithValue(ctx, ctxLang, lang)
	return context.WithValue(ctx, ctxCSRF, csrf)
}
