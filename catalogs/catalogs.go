// Package catalogs embeds the bundled approval catalogs (YAML), so the
// binary can start with a demo catalog and nothing on disk. Load them with
// catalog.Load(catalogs.XiamenFS(), ".").
package catalogs

import (
	"embed"
	"io/fs"
)

// Xiamen is the Xiamen demo catalog, under the directory "xiamen".
//
//go:embed xiamen
var Xiamen embed.FS

// XiamenFS returns the Xiamen catalog with its directory as the root, so
// messages name files as "items/stage2.yaml".
func XiamenFS() fs.FS {
	sub, err := fs.Sub(Xiamen, "xiamen")
	if err != nil {
		panic(err) // the directory is embedded at build time: cannot happen
	}
	return sub
}
