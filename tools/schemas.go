package tools

//go:generate go run ../internal/genschemas -pkg tools -out schemas_gen.go

// The input schemas of the catalogue's operations are generated at build
// time into schemas_gen.go (generatedSchemas, tool name → JSON schema), so
// that serving tools/list costs no reflection; the catalogue (Catalog)
// carries them to the serving machinery.
