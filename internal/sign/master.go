package sign

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tongban/tongban/internal/apperr"
)

// MasterKeyFileName is the file in the data directory where a master key is
// generated when none is configured.
const MasterKeyFileName = "master.key"

// MasterKeySource says where the master key comes from: File
// (--master-key-file, TONGBAN_MASTER_KEY_FILE) or Hex (TONGBAN_MASTER_KEY),
// at most one of them; with neither, <DataDir>/master.key.
type MasterKeySource struct {
	File    string
	Hex     string
	DataDir string
}

// MasterKeyResult is the loaded key and how it was found.
type MasterKeyResult struct {
	Key       MasterKey
	Path      string // the file read or generated; "" for TONGBAN_MASTER_KEY
	Generated bool   // a new key was written to Path
}

// LoadMasterKey reads the master key from src. When src names neither a
// file nor a key and <DataDir>/master.key does not exist, it generates one
// there (mode 0600) — but only if mayGenerate: once sealed keys exist, a
// missing master key is an error, never a reason to make a new one, which
// could not open them.
//
// A master key is MasterKeySize bytes written as hexadecimal (32 digits);
// white space around it is ignored.
func LoadMasterKey(src MasterKeySource, mayGenerate bool) (MasterKeyResult, error) {
	switch {
	case src.File != "" && src.Hex != "":
		return MasterKeyResult{}, apperr.New(apperr.Invalid, "sign.master_key_twice",
			"主密钥只能由一处提供：--master-key-file（TONGBAN_MASTER_KEY_FILE）或 TONGBAN_MASTER_KEY，不能同时设置",
			"give the master key one way only: --master-key-file (TONGBAN_MASTER_KEY_FILE) or TONGBAN_MASTER_KEY, not both")
	case src.Hex != "":
		k, err := ParseMasterKey(src.Hex)
		if err != nil {
			return MasterKeyResult{}, badMaster("TONGBAN_MASTER_KEY", err)
		}
		return MasterKeyResult{Key: k}, nil
	case src.File != "":
		k, err := readMasterKey(src.File)
		if err != nil {
			return MasterKeyResult{}, err
		}
		return MasterKeyResult{Key: k, Path: src.File}, nil
	}
	path := filepath.Join(src.DataDir, MasterKeyFileName)
	k, err := readMasterKey(path)
	if err == nil {
		return MasterKeyResult{Key: k, Path: path}, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return MasterKeyResult{}, err
	}
	if !mayGenerate {
		return MasterKeyResult{}, apperr.Newf(apperr.Invalid, "sign.master_key_missing",
			"数据库中已有加密保存的系统密钥，但未提供主密钥（--master-key-file、TONGBAN_MASTER_KEY_FILE 或 TONGBAN_MASTER_KEY），%s 也不存在；请提供生成这些密钥时所用的主密钥。未作任何改动",
			"the database holds sealed system keys but no master key was given (--master-key-file, TONGBAN_MASTER_KEY_FILE or TONGBAN_MASTER_KEY) and %s does not exist; give the master key they were sealed with. Nothing was changed",
			path)
	}
	if _, err := rand.Read(k[:]); err != nil {
		return MasterKeyResult{}, apperr.Wrap(err, "generate master key")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return MasterKeyResult{}, apperr.Wrap(err, "create "+path)
	}
	_, err = fmt.Fprintln(f, hex.EncodeToString(k[:]))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return MasterKeyResult{}, apperr.Wrap(err, "write "+path)
	}
	return MasterKeyResult{Key: k, Path: path, Generated: true}, nil
}

// ParseMasterKey reads a master key written as 32 hexadecimal digits.
func ParseMasterKey(text string) (MasterKey, error) {
	var k MasterKey
	b, err := hex.DecodeString(strings.TrimSpace(text))
	if err != nil || len(b) != MasterKeySize {
		return k, fmt.Errorf("a master key is %d bytes written as %d hexadecimal digits", MasterKeySize, 2*MasterKeySize)
	}
	copy(k[:], b)
	return k, nil
}

func readMasterKey(path string) (MasterKey, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return MasterKey{}, errors.Join(fs.ErrNotExist, apperr.Newf(apperr.Invalid, "sign.master_key_file",
			"主密钥文件 %s 不存在", "the master key file %s does not exist", path))
	}
	if err != nil {
		return MasterKey{}, apperr.Newf(apperr.Invalid, "sign.master_key_file", "无法读取主密钥文件 %s", "cannot read the master key file %s", path)
	}
	k, err := ParseMasterKey(string(b))
	if err != nil {
		return MasterKey{}, badMaster(path, err)
	}
	return k, nil
}

func badMaster(where string, cause error) error {
	e := apperr.Newf(apperr.Invalid, "sign.master_key_bad", "主密钥（%s）格式有误：应为 %d 位十六进制数字", "the master key (%s) is malformed: it must be %d hexadecimal digits", where, 2*MasterKeySize)
	e.Err = cause
	return e
}
