// Cases for rows-not-closed: *sql.Rows or *sql.Stmt some path leaves open.
package leakcheck

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
)

type user struct {
	ID   int
	Name string
}

type store struct {
	db *sql.DB
}

var errNotFound = errors.New("not found")

func listUsers(db *sql.DB) ([]user, error) {
	rows, err := db.Query("SELECT id, name FROM users") // want "rows-not-closed"
	if err != nil {
		return nil, err
	}
	var out []user
	for rows.Next() {
		var u user
		if err := rows.Scan(&u.ID, &u.Name); err != nil {
			return nil, err // the rows stay open
		}
		out = append(out, u)
	}
	rows.Close()
	return out, rows.Err()
}

func (s *store) firstName(ctx context.Context, id int) (string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT name FROM users WHERE id = ?", id) // want "rows-not-closed"
	if err != nil {
		return "", err
	}
	var name string
	if rows.Next() {
		if err := rows.Scan(&name); err != nil {
			return "", err
		}
	}
	return name, nil // one row read, the rest left open
}

func (s *store) insertAll(names []string) error {
	stmt, err := s.db.Prepare("INSERT INTO users(name) VALUES(?)") // want "rows-not-closed"
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, err := stmt.Exec(n); err != nil {
			return err
		}
	}
	return nil
}

func markSeen(db *sql.DB, id int) error {
	_, err := db.Query("UPDATE users SET seen = 1 WHERE id = ?", id) // want "rows-not-closed"
	return err
}

func countKind(ctx context.Context, conn *sql.Conn, kind string) (int, error) {
	rows, err := conn.QueryContext(ctx, "SELECT count(*) FROM items WHERE kind = ?", kind) // want "rows-not-closed"
	if err != nil {
		return 0, err
	}
	var n int
	switch kind {
	case "":
		return 0, errors.New("no kind") // leaves rows open
	default:
		for rows.Next() {
			if err := rows.Scan(&n); err != nil {
				break
			}
		}
	}
	rows.Close()
	return n, nil
}

func (s *store) prepareLookup(ctx context.Context) error {
	var stmt *sql.Stmt
	var err error
	stmt, err = s.db.PrepareContext(ctx, "SELECT name FROM users WHERE id = ?") // want "rows-not-closed"
	if err != nil {
		return err
	}
	var name string
	return stmt.QueryRow(1).Scan(&name)
}

func firstID(db *sql.DB) (int, error) {
	rows, err := db.Query("SELECT id FROM users") // want "rows-not-closed"
	if err != nil {
		return 0, err
	}
	var id int
	for rows.Next() {
		if err := rows.Scan(&id); err == nil {
			break // leaves the loop with rows still open
		}
	}
	return id, nil
}

// Negative: defer Close after the error check.
func listNames(db *sql.DB) ([]string, error) {
	rows, err := db.Query("SELECT name FROM users")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// scanUsers reads and closes rows.
func scanUsers(rows *sql.Rows) ([]user, error) {
	defer rows.Close()
	var out []user
	for rows.Next() {
		var u user
		if err := rows.Scan(&u.ID, &u.Name); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// Negative: a helper closes the rows.
func (s *store) activeUsers(ctx context.Context) ([]user, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, name FROM users WHERE active")
	if err != nil {
		return nil, err
	}
	return scanUsers(rows)
}

// Negative: the rows are returned to the caller, who closes them.
func (s *store) queryUsers(ctx context.Context, where string) (*sql.Rows, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, name FROM users WHERE "+where)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// Negative: closed on every branch of a switch.
func byMode(db *sql.DB, mode string) (int, error) {
	rows, err := db.Query("SELECT count(*) FROM users")
	if err != nil {
		return 0, err
	}
	n := 0
	switch mode {
	case "skip":
		rows.Close()
		return 0, nil
	case "fail":
		rows.Close()
		return 0, errors.New("failed")
	default:
		for rows.Next() {
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return 0, err
			}
		}
		rows.Close()
	}
	return n, nil
}

// Negative: a closure closes the rows.
func (s *store) withCleanup(ctx context.Context) (int, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id FROM users")
	if err != nil {
		return 0, err
	}
	cleanup := func() { rows.Close() }
	defer cleanup()
	n := 0
	for rows.Next() {
		n++
	}
	return n, nil
}

// Negative: rows.Close() after the loop, on every path.
func total(db *sql.DB) (int, error) {
	rows, err := db.Query("SELECT amount FROM orders")
	if err != nil {
		return 0, err
	}
	sum := 0
	for rows.Next() {
		var a int
		if err := rows.Scan(&a); err != nil {
			rows.Close()
			return 0, err
		}
		sum += a
	}
	err = rows.Err()
	rows.Close()
	return sum, err
}

// Negative: a loop that runs rows.Next() to the end has closed them.
func drain(db *sql.DB) (int, error) {
	rows, err := db.Query("SELECT id FROM users")
	if err != nil {
		return 0, err
	}
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// Negative: no next row closes them; otherwise they are closed.
func lookup(db *sql.DB, id int) (string, error) {
	rows, err := db.Query("SELECT name FROM users WHERE id = ?", id)
	if err != nil {
		return "", err
	}
	if !rows.Next() {
		return "", errNotFound
	}
	defer rows.Close()
	var name string
	err = rows.Scan(&name)
	return name, err
}

// Negative: QueryRow's Row closes itself, and url.Values has one value.
func nameOf(db *sql.DB, r *http.Request) (string, error) {
	var name string
	q := r.URL.Query()
	err := db.QueryRow("SELECT name FROM users WHERE id = ?", q.Get("id")).Scan(&name)
	return name, err
}

type searchClient struct{}

// Query is another package's kind of Query: no rows to close.
func (c *searchClient) Query(q string) (map[string]int, error) {
	return map[string]int{q: 1}, nil
}

// Negative: a Query method of another type, not used like rows.
func hits(c *searchClient, q string) int {
	res, err := c.Query(q)
	if err != nil {
		return 0
	}
	return res[q]
}

// Negative: a statement prepared on a transaction closes with it.
func insertInTx(db *sql.DB, names []string) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	stmt, err := tx.Prepare("INSERT INTO users(name) VALUES(?)")
	if err != nil {
		tx.Rollback()
		return err
	}
	for _, n := range names {
		if _, err := stmt.Exec(n); err != nil {
			tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}

// Negative: the statement is stored in the struct, closed by its owner.
type cache struct {
	get *sql.Stmt
}

func (c *cache) init(db *sql.DB) error {
	stmt, err := db.Prepare("SELECT v FROM kv WHERE k = ?")
	if err != nil {
		return err
	}
	c.get = stmt
	return nil
}

// Negative: nil rows need no Close.
func maybeCount(ctx context.Context, stmt *sql.Stmt) int {
	rows, _ := stmt.QueryContext(ctx)
	n := 0
	if rows != nil {
		for rows.Next() {
			n++
		}
		rows.Close()
	}
	return n
}

// Negative: rows of a transaction close when it rolls back.
func probe(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, "SELECT 1")
	if err != nil {
		return err
	}
	if !rows.Next() {
		return errNotFound
	}
	return nil
}

// wrappedRows carries rows for its caller to close.
type wrappedRows struct {
	*sql.Rows
	query string
}

// Negative: the rows are wrapped and returned from an if-else.
func (s *store) queryWrapped(q string) (*wrappedRows, error) {
	if r, err := s.db.Query(q); err != nil {
		return nil, err
	} else {
		return &wrappedRows{Rows: r, query: q}, nil
	}
}
