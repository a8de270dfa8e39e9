package store

import (
	"errors"

	"github.com/go-sql-driver/mysql"
)

// MySQL/MariaDB server error numbers the store reacts to.
const (
	myDupEntry        = 1062
	myNoReferencedRow = 1452 // child insert/update without parent
	myRowIsReferenced = 1451 // parent delete/update with children
	myNoReferencedOld = 1216
	myRowIsRefOld     = 1217
	myLockWaitTimeout = 1205
	myDeadlock        = 1213
)

func classifyMySQL(err error) errClass {
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		return classOther
	}
	switch me.Number {
	case myDupEntry:
		return classUnique
	case myNoReferencedRow, myRowIsReferenced, myNoReferencedOld, myRowIsRefOld:
		return classReference
	case myLockWaitTimeout, myDeadlock:
		return classRetry
	}
	return classOther
}
