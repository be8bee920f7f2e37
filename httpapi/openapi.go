package httpapi

import (
	_ "embed"
	"net/http"
)

// openAPI is the OpenAPI 3.1 document of the JSON API, served at
// /api/openapi.json. It is written by hand, with additionalProperties
// false on every object, and TestOpenAPI checks the handlers' real
// answers against it, so a field added, renamed or retyped in package
// query fails there until the document says so too.
//
//go:embed openapi.json
var openAPI []byte

func (srv *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	srv.writeBytes(w, r, http.StatusOK, "application/json; charset=utf-8", openAPI)
}
