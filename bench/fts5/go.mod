module github.com/iq-search/iq/bench/fts5

go 1.26.8

require github.com/iq-search/iq v0.0.0

require (
	github.com/PuerkitoBio/goquery v1.13.0 // indirect
	github.com/andybalholm/cascadia v1.3.4 // indirect
	github.com/mattn/go-sqlite3 v1.14.53
	github.com/yuin/goldmark v1.8.7 // indirect
	golang.org/x/net v0.58.0 // indirect
)

replace github.com/iq-search/iq => ../..
