;;; emacs-test.el --- heaplens.el in a real Emacs, headless -*- lexical-binding: t -*-

;; Run by tests/editors/emacs.sh as
;;   emacs -Q --batch -l tests/editors/emacs-test.el
;; with the environment it sets up:
;;   HEAPLENS_TEST_LISP  a directory holding heaplens.el and heaplens.elc
;;   HEAPLENS_TEST_WS    a private copy of samples/ (the workspace)
;;   HEAPLENS_TEST_VERSION  the version the Makefile builds
;;   HEAPLENS            the server command (maybe under valgrind)
;;   HEAPLENS_TEST_TIMEOUT  seconds to wait for the server's answers
;;
;; It prints one "ok - emacs: NAME" or "not ok - emacs: NAME" line per
;; check (and "skip - emacs: NAME: WHY" for what cannot run here); the
;; script counts them.  Every expectation comes from heaplens's own
;; command line on the same files (heaplens lines --json, heaplens check
;; --json, heaplens flame --json, heaplens escape --json, heaplens gctrace
;; --json, heaplens goroutines --json), never from numbers written here.

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'package)

(defvar hlt-lisp (getenv "HEAPLENS_TEST_LISP"))
(defvar hlt-ws (file-name-as-directory (getenv "HEAPLENS_TEST_WS")))
(defvar hlt-command (split-string (getenv "HEAPLENS")))
(defvar hlt-timeout (string-to-number (or (getenv "HEAPLENS_TEST_TIMEOUT") "30")))
(defvar hlt-failed 0)
(defvar heaplens-lsp-mode-add-on)

;; The profile the session loads, the compiler's escape analysis the
;; server finds (by its default escapeOutputs globs, among the others of
;; samples/artefacts), and the file they are about.
(defvar hlt-profile "artefacts/escapes/allocs.pb.gz")
(defvar hlt-escapes "artefacts/escapes/escape-json")
(defvar hlt-main (expand-file-name "escapes/main.go" hlt-ws))

(defun hlt-print (fmt &rest args)
  "Print FMT with ARGS and a newline on standard output."
  (princ (concat (apply #'format fmt args) "\n")))

(defun hlt-ok (name)
  "Report check NAME passed."
  (hlt-print "ok - emacs: %s" name))

(defun hlt-not-ok (name &rest details)
  "Report check NAME failed, with DETAILS lines."
  (setq hlt-failed (1+ hlt-failed))
  (hlt-print "not ok - emacs: %s" name)
  (dolist (d details)
    (hlt-print "    %s" (string-trim-right (format "%s" d)))))

(defun hlt-skip (name why)
  "Report check NAME could not run here, because of WHY."
  (hlt-print "skip - emacs: %s: %s" name why))

(defun hlt-check (name ok &rest details)
  "Report check NAME passed if OK, else failed with DETAILS."
  (if ok (hlt-ok name) (apply #'hlt-not-ok name details)))

(defun hlt-equal (name expected actual)
  "Report check NAME: EXPECTED equals ACTUAL."
  (hlt-check name (equal expected actual)
             (format "expected: %S" expected)
             (format "actual:   %S" actual)))

(defun hlt-wait (pred &optional timeout)
  "Wait until PRED returns non-nil, up to TIMEOUT seconds; return it."
  (let ((deadline (+ (float-time) (or timeout hlt-timeout)))
        value)
    (while (and (not (setq value (funcall pred)))
                (< (float-time) deadline))
      (accept-process-output nil 0.05))
    value))

(defun hlt-run (&rest args)
  "Run the heaplens command line with ARGS in the workspace.
Return (STATUS . OUTPUT), stderr included in OUTPUT."
  (let ((default-directory hlt-ws))
    (with-temp-buffer
      (let ((status (apply #'call-process (car hlt-command) nil
                           (list t nil) nil (append (cdr hlt-command) args))))
        (cons status (buffer-string))))))

(defun hlt-json (&rest args)
  "Run the heaplens command line with ARGS; parse its output as JSON."
  (let ((run (apply #'hlt-run args)))
    (condition-case err
        (json-parse-string (cdr run) :object-type 'plist :null-object nil
                           :false-object :json-false)
      (error (error "heaplens %s: %s: %s" (string-join args " ")
                    (error-message-string err)
                    (substring (cdr run) 0 (min 300 (length (cdr run)))))))))

(defun hlt-line-text (buffer line)
  "Return the text of 1-based LINE of BUFFER."
  (with-current-buffer buffer
    (save-excursion
      (goto-char (point-min))
      (forward-line (1- line))
      (buffer-substring-no-properties (point) (line-end-position)))))

(defun hlt-overlays (buffer kind)
  "Return BUFFER's heaplens overlays of KIND, by line."
  (with-current-buffer buffer
    (sort (cl-remove-if-not (lambda (ov) (eq (overlay-get ov 'heaplens) kind))
                            (overlays-in (point-min) (point-max)))
          (lambda (a b) (< (overlay-start a) (overlay-start b))))))

(defun hlt-overlay-line (ov)
  "Return the 1-based line OV starts on."
  (with-current-buffer (overlay-buffer ov)
    (line-number-at-pos (overlay-start ov))))

(defun hlt-heaplens-diagnostics (buffer)
  "Return BUFFER's Flymake diagnostics from heaplens as (LINE TYPE TEXT)."
  (with-current-buffer buffer
    (sort (mapcar (lambda (d)
                    (list (line-number-at-pos (flymake-diagnostic-beg d))
                          (flymake-diagnostic-type d)
                          (flymake-diagnostic-text d)))
                  (cl-remove-if-not
                   (lambda (d) (eq (flymake-diagnostic-backend d)
                                   'heaplens-flymake))
                   (flymake-diagnostics)))
          (lambda (a b) (< (car a) (car b))))))

(defun hlt-escape-site-p (text)
  "Return non-nil if Flymake TEXT is an escape site's (code escape)."
  (string-match-p "\\`[^\n]* \\[escape\\]\\(\n\\|\\'\\)" text))

(defun hlt-other-diagnostics (buffer)
  "Return BUFFER's heaplens diagnostics but the escape sites, as (LINE TYPE TEXT)."
  (cl-remove-if (lambda (d) (hlt-escape-site-p (nth 2 d)))
                (hlt-heaplens-diagnostics buffer)))

(defun hlt-escape-diagnostics (buffer)
  "Return BUFFER's escape-site diagnostics as (LINE COLUMN TYPE TEXT).
LINE is 1-based; COLUMN counts the characters before the diagnostic's
start on its line (0-based), as Emacs does."
  (with-current-buffer buffer
    (save-excursion
      (save-restriction
        (widen)
        (mapcar (lambda (d)
                  (goto-char (flymake-diagnostic-beg d))
                  (list (line-number-at-pos) (- (point) (line-beginning-position))
                        (flymake-diagnostic-type d) (flymake-diagnostic-text d)))
                (cl-remove-if-not
                 (lambda (d) (and (eq (flymake-diagnostic-backend d)
                                      'heaplens-flymake)
                                  (hlt-escape-site-p (flymake-diagnostic-text d))))
                 (flymake-diagnostics)))))))

;;;; Expectations from the command line

(defun hlt-expected-costs (&optional sample-index)
  "Return ((LINE . FLAT) ...) of escapes/main.go, total and unit.
As `heaplens lines --json' reports them for the session's profile,
with the same sample type (default: the profile's)."
  (let* ((json (apply #'hlt-json "lines" "--json"
                      (append (and sample-index
                                   (list "--sample-index" sample-index))
                              (list hlt-profile))))
         (by-line (make-hash-table))
         result)
    (seq-doseq (l (plist-get json :lines))
      (when (equal (plist-get l :source) hlt-main)
        (puthash (plist-get l :line)
                 (+ (gethash (plist-get l :line) by-line 0) (plist-get l :flat))
                 by-line)))
    (maphash (lambda (line flat) (unless (zerop flat) (push (cons line flat) result)))
             by-line)
    (list (sort result (lambda (a b) (< (car a) (car b))))
          (plist-get json :total) (plist-get json :unit)
          (plist-get json :sample_index)
          json)))

(defun hlt-percent-text (flat total)
  "Return \"(P%)\" as heaplens prints FLAT of TOTAL."
  (format "(%.1f%%)" (/ (* 100.0 flat) total)))

;;;; The checks

(defun hlt-check-package ()
  "The package headers and autoloads, before the package is loaded."
  (let* ((file (expand-file-name "heaplens.el" hlt-lisp))
         (desc (with-temp-buffer
                 (insert-file-contents file)
                 (package-buffer-info))))
    (hlt-equal "package.el reads the headers: name" 'heaplens
               (package-desc-name desc))
    (hlt-equal "package.el reads the headers: version is the Makefile's"
               (version-to-list (getenv "HEAPLENS_TEST_VERSION"))
               (package-desc-version desc))
    (hlt-check "package.el reads the headers: requires emacs and jsonrpc"
               (and (assq 'emacs (package-desc-reqs desc))
                    (assq 'jsonrpc (package-desc-reqs desc)))
               (format "%S" (package-desc-reqs desc)))
    (let ((version (cadr (assq 'jsonrpc (package-desc-reqs desc))))
          (have (with-temp-buffer
                  (insert-file-contents (locate-library "jsonrpc.el"))
                  (package-desc-version (package-buffer-info)))))
      (hlt-check "this Emacs's jsonrpc is at least the required one"
                 (version-list-<= version have)
                 (format "required %S, have %S" version have))))
  ;; Installed as a user would from the file (no archives: jsonrpc is
  ;; built in), into the scratch HOME.
  (setq package-user-dir (expand-file-name "elpa" (getenv "HOME"))
        package-archives nil)
  (package-initialize)
  (let ((inhibit-message t))
    (package-install-file (expand-file-name "heaplens.el" hlt-lisp)))
  (hlt-check "package-install-file installs it with no archive at hand"
             (and (package-installed-p 'heaplens)
                  (not (featurep 'heaplens)))
             (format "installed %S, loaded %S" (package-installed-p 'heaplens)
                     (featurep 'heaplens)))
  (hlt-check "autoloads: the commands load the package on demand"
             (cl-every (lambda (f) (autoloadp (symbol-function f)))
                       '(heaplens-mode heaplens-flame heaplens-describe-line
                         heaplens-status heaplens-select-sample-index
                         heaplens-gc-summary heaplens-goroutines
                         heaplens-set-base heaplens-clear-base
                         heaplens-load-profile heaplens-flymake))
             (format "%S" (cl-remove-if
                           (lambda (f) (autoloadp (symbol-function f)))
                           '(heaplens-mode heaplens-flame heaplens-status))))
  (require 'heaplens)
  (hlt-check "the installed, byte-compiled package loads without lsp-mode"
             (and (featurep 'heaplens) (not (featurep 'lsp-mode))
                  (not (autoloadp (symbol-function 'heaplens-mode)))
                  (string-prefix-p package-user-dir (symbol-file 'heaplens-mode))
                  (string-suffix-p ".elc" (symbol-file 'heaplens-mode)))
             (format "%S" (symbol-file 'heaplens-mode))))

(defun hlt-open-main ()
  "Visit escapes/main.go with heaplens-mode (and eglot, when it can run).
Return the buffer."
  (let* ((eglot (and (featurep 'go-mode) (require 'eglot nil t)
                     (executable-find "gopls")))
         (buffer (find-file-noselect hlt-main)))
    (with-current-buffer buffer
      (hlt-check (format "the file opens in %s with heaplens-mode" major-mode)
                 heaplens-mode
                 (format "major mode %s; messages: %s" major-mode
                         (with-current-buffer "*Messages*"
                           (buffer-substring (max (point-min) (- (point-max) 600))
                                             (point-max)))))
      (if (not eglot)
          (hlt-skip "eglot with gopls beside heaplens"
                    (cond ((not (featurep 'go-mode)) "go-mode is not installed (elpa-go-mode)")
                          ((not (featurep 'eglot)) "eglot is not installed (elpa-eglot)")
                          (t "gopls is not installed (gopls)")))
        ;; What the command loop does after the file opened: eglot-ensure
        ;; connects there.
        (run-hooks 'post-command-hook)
        (hlt-check "eglot runs gopls in the same buffer"
                   (hlt-wait (lambda () (and (fboundp 'eglot-current-server)
                                             (eglot-current-server)
                                             (bound-and-true-p eglot--managed-mode))))
                   "no eglot server")))
    buffer))

(defun hlt-check-session (buffer)
  "Diagnostics, line costs, lenses and the line description in BUFFER."
  (pcase-let* ((`(,costs ,total ,unit ,index ,json) (hlt-expected-costs))
               (threshold 5.0)          ; hotThreshold's default
               (hot (cl-remove-if (lambda (c) (< (abs (/ (* 100.0 (cdr c)) total))
                                                 threshold))
                                  costs)))
    (hlt-check "expectations: heaplens lines names costly lines of escapes/main.go"
               (and costs hot) (format "%S" costs))
    ;; Line costs.
    (hlt-wait (lambda () (= (length (hlt-overlays buffer 'cost)) (length costs))))
    (let ((overlays (hlt-overlays buffer 'cost)))
      (hlt-equal (format "line costs: on the %d lines heaplens lines charges"
                         (length costs))
                 (mapcar #'car costs) (mapcar #'hlt-overlay-line overlays))
      (hlt-check "line costs: each shows the line's share of the total"
                 (cl-every (lambda (ov)
                             (let ((flat (cdr (assq (hlt-overlay-line ov) costs))))
                               (and flat (string-match-p
                                          (regexp-quote (hlt-percent-text flat total))
                                          (overlay-get ov 'after-string)))))
                           overlays)
                 (mapconcat (lambda (ov) (format "line %d: %S" (hlt-overlay-line ov)
                                                 (overlay-get ov 'after-string)))
                            overlays "; "))
      (hlt-check "line costs: the value as heaplens formats it (the flame view's formatter agrees)"
                 (cl-every (lambda (ov)
                             (let ((flat (cdr (assq (hlt-overlay-line ov) costs))))
                               (string-prefix-p
                                (heaplens-flame--format-value flat unit)
                                (plist-get (overlay-get ov 'heaplens-cost) :label))))
                           overlays)
                 (mapconcat (lambda (ov)
                              (format "%S vs %S"
                                      (plist-get (overlay-get ov 'heaplens-cost) :label)
                                      (heaplens-flame--format-value
                                       (cdr (assq (hlt-overlay-line ov) costs)) unit)))
                            overlays "; "))
      (let* ((hottest (car (sort (copy-sequence costs)
                                 (lambda (a b) (> (cdr a) (cdr b))))))
             (ov (cl-find (car hottest) overlays :key #'hlt-overlay-line)))
        (hlt-check "line costs: the hottest line has the hottest face"
                   (and ov (eq (get-text-property
                                (length heaplens-line-cost-prefix) 'face
                                (overlay-get ov 'after-string))
                               'heaplens-heat-hottest))
                   (format "line %s" (car hottest)))))
    ;; Diagnostics (the escape sites apart: hlt-check-escapes).
    (hlt-wait (lambda () (= (length (hlt-other-diagnostics buffer)) (length hot))))
    (let ((diags (hlt-other-diagnostics buffer)))
      (hlt-equal (format "diagnostics: hot-alloc on the %d lines at or above %s%% of %s"
                         (length hot) threshold index)
                 (mapcar #'car hot) (mapcar #'car diags))
      (hlt-check "diagnostics: Flymake notes naming hot-alloc and the share"
                 (cl-every (lambda (d)
                             (and (eq (nth 1 d) :note)
                                  (string-match-p "\\[hot-alloc\\]" (nth 2 d))
                                  (string-match-p
                                   (regexp-quote
                                    (format "%.1f%%" (/ (* 100.0 (cdr (assq (car d) hot)))
                                                        total)))
                                   (nth 2 d))))
                           diags)
                 (format "%S" diags)))
    (with-current-buffer buffer
      (hlt-check "Flymake runs heaplens-flymake beside the other backends"
                 (memq 'heaplens-flymake (flymake-reporting-backends))
                 (format "reporting: %S, functions: %S" (flymake-reporting-backends)
                         flymake-diagnostic-functions))
      (when (bound-and-true-p eglot--managed-mode)
        (hlt-check "...and eglot's backend (gopls) is still there"
                   (memq 'eglot-flymake-backend flymake-diagnostic-functions)
                   (format "%S" flymake-diagnostic-functions))))
    ;; Lenses: one above each function the profile charges.
    (let* ((functions (delete-dups
                       (cl-loop for l across (plist-get json :lines)
                                when (and (equal (plist-get l :source) hlt-main)
                                          (/= (plist-get l :flat) 0))
                                collect (plist-get l :function))))
           (decl-lines
            (delq nil
                  (mapcar
                   (lambda (f)
                     (let ((name (car (last (split-string f "\\.")))))
                       (unless (string-match-p "\\`func[0-9]+\\'" name)
                         (with-current-buffer buffer
                           (save-excursion
                             (goto-char (point-min))
                             (and (re-search-forward
                                   (format "^func \\(([^)]*) \\)?%s\\_>"
                                           (regexp-quote name))
                                   nil t)
                                  (line-number-at-pos)))))))
                   functions))))
      (hlt-wait (lambda () (>= (length (hlt-overlays buffer 'lens)) (length decl-lines))))
      (let ((lens-lines (mapcar #'hlt-overlay-line (hlt-overlays buffer 'lens))))
        (hlt-check (format "lenses: above the %d functions with a cost" (length decl-lines))
                   (and decl-lines (cl-subsetp decl-lines lens-lines))
                   (format "functions %S at %S; lenses at %S" functions decl-lines
                           lens-lines))
        (hlt-check "lenses: before-string text starting with the sample type"
                   (cl-every (lambda (ov)
                               (string-match-p "\\`[ \t]*alloc "
                                               (overlay-get ov 'before-string)))
                             (hlt-overlays buffer 'lens))
                   (mapconcat (lambda (ov) (overlay-get ov 'before-string))
                              (hlt-overlays buffer 'lens) ""))))
    ;; The line description (hover).
    (let* ((hottest (car (sort (copy-sequence costs) (lambda (a b) (> (cdr a) (cdr b))))))
           (function (cl-loop for l across (plist-get json :lines)
                              when (and (equal (plist-get l :source) hlt-main)
                                        (= (plist-get l :line) (car hottest)))
                              return (plist-get l :function))))
      (with-current-buffer buffer
        (goto-char (point-min))
        (forward-line (1- (car hottest)))
        (heaplens-describe-line))
      (let ((text (and (get-buffer "*heaplens line*")
                       (with-current-buffer "*heaplens line*" (buffer-string)))))
        (hlt-check (format "describe-line on line %d names %s and %s"
                           (car hottest) function index)
                   (and text (string-match-p (regexp-quote function) text)
                        (string-match-p (regexp-quote index) text)
                        (string-match-p "Top call paths" text))
                   (format "%S" text))
        (hlt-check "describe-line: call-path frames are buttons to their lines"
                   (with-current-buffer "*heaplens line*"
                     (goto-char (point-min))
                     (let ((b (next-button (point))))
                       (and b (string-match-p "main\\.go:[0-9]+" (button-label b)))))
                   "no button")))
    (list costs total unit index)))

(defun hlt-char-column (buffer line byte-column)
  "Return the characters before 1-based BYTE-COLUMN of 1-based LINE of BUFFER.
That is the compiler's column (bytes of UTF-8) as Emacs counts columns."
  (let ((bytes (encode-coding-string (hlt-line-text buffer line) 'utf-8)))
    (length (decode-coding-string (substring bytes 0 (1- byte-column)) 'utf-8))))

(defun hlt-expected-sites (buffer)
  "Return the escape sites of escapes/main.go as (LINE COLUMN MESSAGE BYTE-COLUMN).
As `heaplens escape --json --profile' lists them; COLUMN is the site's
0-based column in characters of BUFFER (the file's text)."
  (let (sites)
    (seq-doseq (s (plist-get (hlt-json "escape" "--json" "--profile" hlt-profile
                                       hlt-escapes)
                             :sites))
      (when (equal (plist-get s :source) hlt-main)
        (push (list (plist-get s :line)
                    (hlt-char-column buffer (plist-get s :line) (plist-get s :col))
                    (plist-get s :message) (plist-get s :col) (plist-get s :kind))
              sites)))
    (nreverse sites)))

(defun hlt-site-matches-p (site diagnostic)
  "Return non-nil if DIAGNOSTIC, as `hlt-escape-diagnostics' has it, is SITE.
The same line and column, and a first line of text that is the site's
message, maybe with its line's cost, and the code."
  (let ((first (car (split-string (nth 3 diagnostic) "\n")))
        (message (nth 2 site)))
    (and (equal (nth 0 site) (nth 0 diagnostic))
         (equal (nth 1 site) (nth 1 diagnostic))
         (or (equal first (concat message " [escape]"))
             (and (string-prefix-p (concat message " — ") first)
                  (string-suffix-p " [escape]" first))))))

(defun hlt-match-sites (sites diagnostics)
  "Pair SITES with DIAGNOSTICS one to one; return (MISSING . EXTRA)."
  (let ((left (copy-sequence diagnostics)) missing)
    (dolist (site sites)
      (let ((hit (cl-find-if (lambda (d) (hlt-site-matches-p site d)) left)))
        (if hit
            (setq left (delq hit left))
          (push site missing))))
    (cons (nreverse missing) left)))

(defun hlt-check-escapes (buffer)
  "The compiler's escape sites in BUFFER: Flymake notes at their columns."
  (let* ((sites (hlt-expected-sites buffer))
         (kinds (delete-dups (mapcar (lambda (s) (nth 4 s)) sites))))
    (hlt-check "expectations: heaplens escape --json lists escape, moved and leak sites of escapes/main.go"
               (cl-subsetp '("escape" "moved" "leak") kinds :test #'equal)
               (format "%S" kinds))
    (hlt-wait (lambda () (= (length (hlt-escape-diagnostics buffer)) (length sites))))
    (let* ((diags (hlt-escape-diagnostics buffer))
           (unmatched (hlt-match-sites sites diags))
           ;; The sites after non-ASCII text: there a column in bytes, or
           ;; in UTF-16 units (line 135's emoji is two), is not Emacs's.
           (wide (cl-remove-if (lambda (s) (= (nth 1 s) (1- (nth 3 s)))) sites))
           (wide-lines (delete-dups (mapcar #'car wide))))
      (hlt-check (format "escape sites: each of the %d is a Flymake note at its line and character column"
                         (length sites))
                 (and sites (null (car unmatched)) (null (cdr unmatched))
                      (cl-every (lambda (d) (eq (nth 2 d) :note)) diags))
                 (format "missing (line column message): %S" (car unmatched))
                 (format "extra: %S" (cdr unmatched)))
      (hlt-check (format "escape sites after non-ASCII text (lines %S) are at character columns"
                         wide-lines)
                 (and (memq 82 wide-lines) (memq 135 wide-lines)
                      (cl-every (lambda (s)
                                  (cl-find-if (lambda (d) (hlt-site-matches-p s d))
                                              diags))
                                wide))
                 (format "expected: %S" wide)
                 (format "actual: %S" (cl-remove-if-not
                                       (lambda (d) (memq (car d) wide-lines))
                                       diags)))
      ;; The cost of the moved e as the CLI's text says it, and its
      ;; explanation (relatedInformation) in the Flymake text.
      (let* ((text (cdr (hlt-run "escape" "--profile" hlt-profile hlt-escapes)))
             (cost (and (string-match "escapes/main\\.go:34:2: moved to heap: e — \\(.*\\) \\[moved\\]$"
                                      text)
                        (match-string 1 text)))
             (moved (cl-find-if (lambda (d) (and (= (car d) 34)
                                                 (string-prefix-p "moved to heap: e"
                                                                  (nth 3 d))))
                                diags)))
        (hlt-check (format "escape sites: moved to heap: e says what heaplens escape --profile does: %s"
                           cost)
                   (and cost moved
                        (string-prefix-p (format "moved to heap: e — %s [escape]" cost)
                                         (nth 3 moved)))
                   (format "%S" moved))
        (hlt-check "escape sites: the Flymake text goes on with the compiler's explanation"
                   (and moved (string-match-p "\n.*from &e (address-of)" (nth 3 moved)))
                   (format "%S" moved))))
    ;; The line description: the site and its whole explanation.
    (with-current-buffer buffer
      (goto-char (point-min))
      (forward-line 33)
      (heaplens-describe-line))
    (let ((text (and (get-buffer "*heaplens line*")
                     (with-current-buffer "*heaplens line*" (buffer-string)))))
      (hlt-check "describe-line on line 34: Escape analysis and the step from &e (address-of)"
                 (and text (string-match-p "Escape analysis" text)
                      (string-match-p (regexp-quote "from &e (address-of)") text))
                 (format "%S" text)))))

(defun hlt-flame-row (name)
  "Move to the first row of the flame view whose node is NAME; return it."
  (goto-char (point-min))
  (let (found)
    (while (and (not found) (not (eobp)))
      (let ((node (get-text-property (point) 'heaplens-flame-node)))
        (if (and node (equal (plist-get node :name) name))
            (setq found node)
          (forward-line 1))))
    found))

(defun hlt-find-node (node name)
  "Return the first node named NAME in the tree NODE, depth first."
  (if (equal (plist-get node :name) name)
      node
    (cl-loop for child across (plist-get node :children)
             thereis (hlt-find-node child name))))

(defun hlt-varint (n)
  "Return N as a protobuf varint."
  (let (bytes)
    (while (>= n 128)
      (push (logior (logand n 127) 128) bytes)
      (setq n (ash n -7)))
    (apply #'unibyte-string (nreverse (cons n bytes)))))

(defun hlt-pb-bytes (field bytes)
  "Return protobuf FIELD holding BYTES (length-delimited)."
  (concat (unibyte-string (logior (ash field 3) 2)) (hlt-varint (length bytes)) bytes))

(defun hlt-pb-int (field n)
  "Return protobuf FIELD holding the integer N."
  (concat (unibyte-string (ash field 3)) (hlt-varint n)))

(defun hlt-deep-profile (depth)
  "Return a pprof profile of one stack DEPTH frames deep.
main.a (deep/main.go:3) and main.b (deep/main.go:4) call each other;
the sample is 100 bytes of sample type space."
  (concat
   (hlt-pb-bytes 1 (concat (hlt-pb-int 1 1) (hlt-pb-int 2 2)))
   (hlt-pb-bytes 2 (concat (hlt-pb-bytes 1 (mapconcat (lambda (i) (hlt-varint (1+ (% i 2))))
                                                      (number-sequence 0 (1- depth)) ""))
                           (hlt-pb-bytes 2 (hlt-varint 100))))
   (mapconcat (lambda (id)
                (concat
                 (hlt-pb-bytes 4 (concat (hlt-pb-int 1 id)
                                         (hlt-pb-bytes 4 (concat (hlt-pb-int 1 id)
                                                                 (hlt-pb-int 2 (+ 2 id))))))
                 (hlt-pb-bytes 5 (concat (hlt-pb-int 1 id) (hlt-pb-int 2 (+ 2 id))
                                         (hlt-pb-int 4 5)))))
              '(1 2) "")
   (mapconcat (lambda (s) (hlt-pb-bytes 6 s))
              '("" "space" "bytes" "main.a" "main.b" "/build/deep/main.go") "")))

(defun hlt-check-deep-flame ()
  "A stack deeper than the server keeps (256 frames) draws; RET works at its end."
  (let ((dir (expand-file-name "deep" hlt-ws))
        (depth 300))
    (make-directory dir t)
    (with-temp-file (expand-file-name "main.go" dir)
      (insert "package main\n\nfunc a() { b() }\nfunc b() { a() }\n"))
    (let ((coding-system-for-write 'binary))
      (write-region (hlt-deep-profile depth) nil (expand-file-name "deep.pb" dir)))
    (heaplens-load-profile (expand-file-name "deep.pb" dir))
    (heaplens-flame-select-sample-index "space")
    (let ((rows 0) (deepest nil))
      (save-excursion
        (goto-char (point-min))
        (while (not (eobp))
          (when (get-text-property (point) 'heaplens-flame-node)
            (setq rows (1+ rows) deepest (point)))
          (forward-line 1)))
      (hlt-check (format "flame view: a %d-frame stack draws (the root and 256 frames)"
                         depth)
                 (and (null heaplens-flame--error) (= rows 257)
                      (string-match-p "1 stacks cut" (buffer-string)))
                 (format "error %S, %d rows" heaplens-flame--error rows))
      (when deepest
        (goto-char deepest)
        (let ((window (selected-window))
              (node (get-text-property (point) 'heaplens-flame-node)))
          (call-interactively (key-binding (kbd "RET")))
          (hlt-equal "flame view: RET on the deepest frame lands on its line"
                     (list (expand-file-name "main.go" dir)
                           (if (equal (plist-get node :name) "main.a") 3 4))
                     (list (buffer-file-name (window-buffer (selected-window)))
                           (with-current-buffer (window-buffer (selected-window))
                             (line-number-at-pos (window-point)))))
          (select-window window))))
    (heaplens-flame-select-sample-index "alloc_space")))

(defun hlt-hottest-function ()
  "Return the function charged with the costliest line of escapes/main.go."
  (let (best)
    (seq-doseq (l (plist-get (hlt-json "lines" "--json" hlt-profile) :lines))
      (when (and (equal (plist-get l :source) hlt-main)
                 (or (null best) (> (plist-get l :flat) (plist-get best :flat))))
        (setq best l)))
    (plist-get best :function)))

(defun hlt-check-flame (function)
  "The flame view: RET on FUNCTION's row lands on its hottest line."
  (let* ((source (current-buffer))
         (flame (heaplens-flame)))
    (with-current-buffer flame
      (cond
       ((eql (car heaplens-flame--error) -32601)
        (hlt-skip "flame view (RET, TAB, f, g)"
                  "the server answers heaplens/flameGraph with -32601 (method not found): not merged yet")
        (hlt-check "flame view: says the server has no flame graph"
                   (string-match-p "method not found" (buffer-string))
                   (buffer-string)))
       (heaplens-flame--error
        (hlt-not-ok "flame view: heaplens/flameGraph answers"
                    (format "%S" heaplens-flame--error)))
       (t
        (let* ((cli (hlt-json "flame" "--json" hlt-profile))
               (expected (hlt-find-node (plist-get cli :root) function))
               node)
          (hlt-check (format "expectations: heaplens flame --json has %s with a line"
                             function)
                     (and expected (plist-get expected :line)
                          (equal (plist-get expected :file) hlt-main))
                     (format "%S" (and expected (list (plist-get expected :file)
                                                      (plist-get expected :line)))))
          (hlt-equal "flame view: the total is heaplens flame's"
                     (plist-get cli :total)
                     (plist-get heaplens-flame--result :total))
          (setq node (hlt-flame-row function))
          (hlt-check (format "flame view: a row for %s with its share and a bar" function)
                     (and node (string-match-p
                                (format "%.1f%%.*█"
                                        (/ (* 100.0 (plist-get node :value))
                                           (plist-get heaplens-flame--result :total)))
                                (buffer-substring (line-beginning-position)
                                                  (line-end-position))))
                     (buffer-substring (point-min) (min (point-max) 3000)))
          (when (and node expected)
            (let ((window (selected-window)))
              (call-interactively (key-binding (kbd "RET")))
              (hlt-check "flame view: RET shows the source in another window"
                         (not (eq (selected-window) window))
                         "same window")
              (hlt-equal (format "flame view: RET lands on %s, line %d"
                                 (file-name-nondirectory hlt-main)
                                 (plist-get expected :line))
                         (list hlt-main (plist-get expected :line))
                         (list (buffer-file-name (window-buffer (selected-window)))
                               (with-current-buffer (window-buffer (selected-window))
                                 (line-number-at-pos (window-point)))))
              (select-window window)))
          ;; TAB folds and unfolds the root's first child.
          (goto-char (point-min))
          (let* ((root-row (progn (hlt-flame-row "root") (point)))
                 (child (progn (forward-line 1)
                               (get-text-property (point) 'heaplens-flame-node)))
                 (rows (count-lines (point-min) (point-max))))
            (ignore root-row)
            (when child
              (call-interactively (key-binding (kbd "TAB")))
              (let ((folded (count-lines (point-min) (point-max))))
                (call-interactively (key-binding (kbd "TAB")))
                (hlt-check "flame view: TAB folds a node and unfolds it"
                           (and (< folded rows)
                                (= rows (count-lines (point-min) (point-max)))
                                (eq (get-text-property (point) 'heaplens-flame-node)
                                    (get-text-property (point) 'heaplens-flame-node))
                                (equal (plist-get (get-text-property
                                                   (point) 'heaplens-flame-node)
                                                  :name)
                                       (plist-get child :name)))
                           (format "rows %d, folded %d" rows folded)))))
          ;; f focuses: the tree becomes heaplens flame --focus's (the
          ;; root's value; the total stays the profile's).
          (let* ((focus (car (last (split-string function "\\."))))
                 (focused (plist-get (plist-get (hlt-json "flame" "--json" "--focus"
                                                          focus hlt-profile)
                                                :root)
                                     :value)))
            (heaplens-flame-focus focus)
            (hlt-check (format "flame view: f %s shows what heaplens flame --focus does"
                               focus)
                       (and (< focused (plist-get cli :total))
                            (equal focused (plist-get (plist-get heaplens-flame--result
                                                                 :root)
                                                      :value))
                            (hlt-flame-row function)
                            (string-match-p (regexp-quote focus)
                                            (buffer-substring (point-min)
                                                              (line-end-position 1))))
                       (format "CLI root %s, view root %s" focused
                               (plist-get (plist-get heaplens-flame--result :root)
                                          :value)))
            (heaplens-flame-focus "")
            (hlt-equal "flame view: an empty focus shows everything again"
                       (plist-get (plist-get cli :root) :value)
                       (plist-get (plist-get heaplens-flame--result :root) :value)))
          (hlt-check-deep-flame)
          ;; g refreshes.
          (let ((inhibit-read-only t)) (erase-buffer))
          (call-interactively (key-binding (kbd "g")))
          (hlt-check "flame view: g draws the tree again"
                     (hlt-flame-row function) (buffer-string))))))
    (set-buffer source)))

(defun hlt-check-commands (buffer costs-before)
  "The sample-type, profile and base commands, and the status buffer."
  (with-current-buffer buffer
    (let* ((conn heaplens--connection)
           (generation (heaplens--generation conn)))
      (heaplens-select-sample-index "alloc_objects")
      (hlt-wait (lambda () (and (> (heaplens--generation conn) generation)
                                (equal (heaplens--sample-index conn) "alloc_objects"))))
      (pcase-let ((`(,costs ,_total ,unit) (hlt-expected-costs "alloc_objects")))
        (hlt-wait (lambda ()
                    (equal (mapcar (lambda (ov) (plist-get (overlay-get ov 'heaplens-cost)
                                                           :flat))
                                   (hlt-overlays buffer 'cost))
                           (mapcar #'cdr costs))))
        (hlt-equal "select-sample-index alloc_objects: the line costs follow"
                   (mapcar (lambda (c) (heaplens-flame--format-value (cdr c) unit)) costs)
                   (mapcar (lambda (ov)
                             (car (split-string
                                   (plist-get (overlay-get ov 'heaplens-cost) :label)
                                   " (")))
                           (hlt-overlays buffer 'cost))))
      (heaplens-select-sample-index (nth 3 costs-before))
      (hlt-wait (lambda () (equal (heaplens--sample-index conn) (nth 3 costs-before))))
      ;; A lens's command (what clicking it does): the next sample type.
      (let ((lens (car (overlay-get (car (hlt-overlays buffer 'lens)) 'heaplens-lenses))))
        (heaplens--run-lens lens)
        (hlt-check "clicking a lens shows the next sample type"
                   (hlt-wait (lambda () (not (equal (heaplens--sample-index conn)
                                                    (nth 3 costs-before)))))
                   (format "%S" (plist-get lens :command))))
      (heaplens-select-sample-index (nth 3 costs-before))
      (hlt-wait (lambda () (equal (heaplens--sample-index conn) (nth 3 costs-before))))
      (heaplens-load-profile (expand-file-name "artefacts/escapes/cpu.pb.gz" hlt-ws))
      (heaplens-set-base (expand-file-name "artefacts/escapes/heap.pb.gz" hlt-ws))
      (let ((status (heaplens-status)))
        (hlt-check "load-profile and set-base: the status lists cpu.pb.gz and a base"
                   (let (seen)
                     (seq-doseq (input (plist-get status :inputs))
                       (push (cons (file-name-nondirectory (plist-get input :path))
                                   (plist-get input :role))
                             seen))
                     (and (member '("cpu.pb.gz" . "profile") seen)
                          (member '("heap.pb.gz" . "base") seen)))
                   (format "%S" (plist-get status :inputs)))
        (hlt-check "status: a help buffer naming the server and its inputs"
                   (with-current-buffer "*heaplens status*"
                     (and (string-match-p "heaplens .*pid" (buffer-string))
                          (string-match-p "allocs\\.pb\\.gz" (buffer-string))))
                   "no status text"))
      (heaplens-clear-base)
      (hlt-check "clear-base: the base is gone"
                 (not (seq-find (lambda (i) (equal (plist-get i :role) "base"))
                                (plist-get (heaplens-status) :inputs)))
                 "still a base"))))

(defun hlt-check-runtime ()
  "GC traces and goroutine dumps: the growing trace's warning, the
goroutine-leak diagnostics, `heaplens-gc-summary' and `heaplens-goroutines'.
Expectations from heaplens gctrace --json and goroutines --json --base."
  (let* ((trace (expand-file-name "artefacts/cacheleak/gctrace.log" hlt-ws))
         (gc (hlt-json "gctrace" "--json" trace))
         (trend (plist-get gc :trend))
         (warning (format "heaplens: %s: the live heap is growing: %s"
                          trace (plist-get trend :reason)))
         (dir (expand-file-name "artefacts/goroutineleak/" hlt-ws))
         (dumps (hlt-json "goroutines" "--json" "--base"
                          (expand-file-name "goroutine-base.txt" dir)
                          (expand-file-name "goroutine.txt" dir)))
         (leak-go (expand-file-name "goroutineleak/main.go" hlt-ws))
         expected blocked)
    (hlt-equal "expectations: heaplens gctrace --json finds cacheleak's live heap growing"
               "growing" (plist-get trend :verdict))
    (hlt-check "the growing trace's window/showMessage is in *Messages*, once prefixed"
               (hlt-wait (lambda ()
                           (with-current-buffer "*Messages*"
                             (save-excursion
                               (goto-char (point-min))
                               (re-search-forward
                                (concat "^" (regexp-quote warning) "$") nil t)))))
               warning
               (with-current-buffer "*Messages*"
                 (buffer-substring (max (point-min) (- (point-max) 1500))
                                   (point-max))))
    ;; The CLI's groups blocked in goroutineleak/main.go that grew, as the
    ;; server words them: (LINE TYPE TEXT) as Flymake holds them.
    (seq-doseq (g (plist-get dumps :groups))
      (let ((b (plist-get g :blocked_at))
            (c (plist-get g :created_at))
            (growth (plist-get g :growth)))
        (when (and b c growth (> growth 0)
                   (string-suffix-p "/goroutineleak/main.go" (plist-get b :file)))
          (let ((since (format " — +%d since goroutine-base.txt [goroutine.txt]"
                               growth)))
            (setq blocked (or blocked (cons g (plist-get b :line))))
            (push (list (plist-get b :line) :warning
                        (format "%d goroutines blocked in %s here (created at main.go:%d)%s [goroutine-leak]"
                                (plist-get g :count) (plist-get g :state)
                                (plist-get c :line) since))
                  expected)
            (push (list (plist-get c :line) :warning
                        (format "%d goroutines started here are blocked in %s at main.go:%d%s [goroutine-leak]"
                                (plist-get g :count) (plist-get g :state)
                                (plist-get b :line) since))
                  expected)))))
    (setq expected (sort expected (lambda (a b) (< (car a) (car b)))))
    (hlt-equal "expectations: heaplens goroutines --json: a group blocked at main.go:45, started at :44"
               '(44 45) (mapcar #'car expected))
    (let ((buffer (find-file-noselect leak-go)))
      (cl-flet ((leaks ()
                  (cl-remove-if-not
                   (lambda (d) (string-suffix-p "[goroutine-leak]" (nth 2 d)))
                   (hlt-heaplens-diagnostics buffer))))
        (hlt-wait (lambda () (= (length (leaks)) (length expected))))
        (hlt-equal "goroutine-leak warnings on goroutineleak/main.go:44 and :45, with the CLI's counts"
                   expected (leaks)))
      (kill-buffer buffer))
    ;; The GC summary.
    (with-current-buffer (heaplens-gc-summary)
      (hlt-check "heaplens-gc-summary: cacheleak's trace, its cycles, live heap and verdict growing"
                 (and (eq major-mode 'heaplens-gc-mode)
                      (string-match-p
                       (regexp-quote
                        (format "artefacts/cacheleak/gctrace.log\n  %d cycles"
                                (plist-get gc :cycles)))
                       (buffer-string))
                      (let ((live (plist-get gc :live_mb)))
                        (string-match-p
                         (regexp-quote (format "live heap %s -> %s MB"
                                               (elt live 0)
                                               (elt live (1- (length live)))))
                         (buffer-string)))
                      (string-match-p (regexp-quote
                                       (concat "growing: " (plist-get trend :reason)))
                                      (buffer-string)))
                 (buffer-string))
      (quit-window t))
    ;; The goroutine list: the suspect first, RET on it.
    (let* ((source (current-buffer))
           (list (heaplens-goroutines))
           (window (get-buffer-window list)))
      (with-current-buffer list
        (let ((group (get-text-property (point) 'heaplens-group)))
          (hlt-check "heaplens-goroutines: point on the first group, the suspect, with the CLI's count"
                     (and blocked group (eq (plist-get group :suspect) t)
                          (equal (plist-get group :count) (plist-get (car blocked) :count))
                          (string-match-p
                           (format "^! +%d +%s +%s"
                                   (plist-get (car blocked) :count)
                                   (regexp-quote (plist-get (car blocked) :state))
                                   (regexp-quote (plist-get (car blocked) :function)))
                           (buffer-substring (line-beginning-position)
                                             (line-end-position))))
                     (buffer-string)))
        (select-window window)
        (call-interactively (key-binding (kbd "RET")))
        (hlt-check "heaplens-goroutines: RET shows the source in another window"
                   (not (eq (selected-window) window)) "same window")
        (hlt-equal (format "heaplens-goroutines: RET lands on goroutineleak/main.go, line %s"
                           (cdr blocked))
                   (list leak-go (cdr blocked))
                   (list (buffer-file-name (window-buffer (selected-window)))
                         (with-current-buffer (window-buffer (selected-window))
                           (line-number-at-pos (window-point)))))
        (let ((visited (window-buffer (selected-window))))
          (quit-window t window)
          (kill-buffer visited)))
      (set-buffer source))))

(defun hlt-check-restart (buffer)
  "A server that dies is cleaned up after, and heaplens-restart brings it back."
  (with-current-buffer buffer
    (let ((conn heaplens--connection))
      (delete-process (jsonrpc--process conn))
      (hlt-wait (lambda () (null heaplens--connection)))
      (hlt-check "a server that dies: its buffers let go of it and of its overlays"
                 (and (null heaplens--connection)
                      (null (hlt-overlays buffer 'cost))
                      (null (hlt-heaplens-diagnostics buffer))
                      (equal (heaplens--lighter) " heaplens:off"))
                 (format "connection %S" heaplens--connection))
      (heaplens-restart)
      (hlt-check "heaplens-restart: a new server, and the line costs come back"
                 (and (heaplens--live-p heaplens--connection)
                      (not (eq heaplens--connection conn))
                      (hlt-wait (lambda () (hlt-overlays buffer 'cost))))
                 "no new server or no costs"))))

(defun hlt-server-text (buffer)
  "Return the text the server holds for BUFFER's document."
  (with-current-buffer buffer
    (heaplens--flush)
    (plist-get (jsonrpc-request heaplens--connection :heaplens/document
                                (list :textDocument (heaplens--text-document)))
               :text)))

(defun hlt-check-sync (buffer)
  "Edits reach the server as incremental changes, UTF-16 and all."
  (with-current-buffer buffer
    (let ((original (buffer-string)))
      (goto-char (point-min))
      (forward-line 2)
      (insert "// naïve 𝄞 clef, two UTF-16 units\n")
      (end-of-line)
      (insert " // é")
      (goto-char (point-max))
      (insert "\n// the end 𝄞\n")
      (goto-char (point-min))
      (forward-line 10)
      (delete-region (point) (progn (forward-line 3) (point)))
      (hlt-check "edits: the server's text equals the buffer's after incremental changes"
                 (equal (hlt-server-text buffer) (buffer-string))
                 (format "version %d" heaplens--version))
      (hlt-check "edits: sent as ranges, not whole texts"
                 (not (eq heaplens--changes :full)) "full")
      (erase-buffer)
      (insert original)
      (hlt-check "edits: and after the text is put back"
                 (equal (hlt-server-text buffer) original) "differs")
      (set-buffer-modified-p nil))))

(defun hlt-check-save ()
  "A leak finding on open goes away when its fix is saved."
  (let* ((json (hlt-json "check" "--json" "bodyleak"))
         (finding (aref (plist-get json :findings) 0))
         (file (expand-file-name (plist-get finding :file) hlt-ws))
         (fixed (let ((copy (make-temp-file "heaplens-fixed" t)))
                  (copy-file file (expand-file-name "main.go" copy))
                  (copy-file (expand-file-name "go.mod" hlt-ws)
                             (expand-file-name "go.mod" copy))
                  (let ((default-directory copy))
                    (call-process (car hlt-command) nil nil nil "check" "--fix" "."))
                  (prog1 (with-temp-buffer
                           (insert-file-contents (expand-file-name "main.go" copy))
                           (buffer-string))
                    (delete-directory copy t))))
         (buffer (find-file-noselect file))
         (wanted (format "[%s]" (plist-get finding :check))))
    (cl-flet ((findings ()
                (cl-remove-if-not (lambda (d) (string-match-p (regexp-quote wanted)
                                                              (nth 2 d)))
                                  (hlt-heaplens-diagnostics buffer))))
      (hlt-wait #'findings)
      (hlt-equal (format "leak check on open: %s at %s:%d" wanted
                         (plist-get finding :file) (plist-get finding :line))
                 (list (list (plist-get finding :line) :warning))
                 (mapcar (lambda (d) (list (nth 0 d) (nth 1 d))) (findings)))
      (with-current-buffer buffer
        (erase-buffer)
        (insert fixed)
        (let ((inhibit-message t)) (save-buffer)))
      (hlt-wait (lambda () (null (findings))))
      (hlt-check "leak check on save: the saved fix clears it"
                 (null (findings)) (format "%S" (findings)))
      (kill-buffer buffer))))

(defun hlt-check-lsp-mode ()
  "The optional lsp-mode client registers only when asked, as an add-on."
  (let (registered)
    (cl-letf* (((symbol-function 'lsp-register-client)
                (lambda (client) (push client registered)))
               ((symbol-function 'make-lsp-client) (lambda (&rest args) args))
               ((symbol-function 'lsp-stdio-connection) (lambda (cmd &rest _) cmd))
               ((symbol-function 'lsp-activate-on) (lambda (&rest l) l)))
      ;; What loading lsp-mode does: run its with-eval-after-load forms
      ;; (at once, as no file is being loaded for it).
      (let ((heaplens-lsp-mode-add-on nil)
            (load-file-name nil))
        (provide 'lsp-mode))
      (hlt-equal "lsp-mode: nothing registered unless heaplens-lsp-mode-add-on is set"
                 nil registered)
      (let ((heaplens-lsp-mode-add-on t)
            (load-file-name nil))
        (provide 'lsp-mode)
        (hlt-check "lsp-mode: registered as an add-on client for go when lsp-mode loads"
                   (let ((client (car registered)))
                     (and client (eq (plist-get client :add-on?) t)
                          (eq (plist-get client :server-id) 'heaplens)
                          (equal (plist-get client :activation-fn) '("go"))
                          (equal (funcall (plist-get client :new-connection))
                                 hlt-command)))
                   (format "%S" registered))))))

(defun hlt-main ()
  "Run every check."
  (setq native-comp-deferred-compilation nil
        jsonrpc-default-request-timeout hlt-timeout
        make-backup-files nil
        create-lockfiles nil
        auto-save-default nil)
  (hlt-check-package)
  ;; Debian's elpa packages (eglot, go-mode), which -Q leaves out.
  (when (file-directory-p "/usr/share/emacs/site-lisp/elpa")
    (add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa"))
  (package-initialize)
  (require 'go-mode nil t)
  (setq heaplens-command hlt-command
        heaplens-request-timeout hlt-timeout
        heaplens-connect-timeout hlt-timeout
        heaplens-settings (list :profiles (vector hlt-profile)))
  ;; As a user sets it up (eglot first, as its hook usually is).
  (when (featurep 'go-mode)
    (add-hook 'go-mode-hook #'eglot-ensure)
    (add-hook 'go-mode-hook #'heaplens-mode))
  (add-hook 'find-file-hook (lambda ()
                              (unless (or (featurep 'go-mode) heaplens-mode)
                                (heaplens-mode 1))))
  (let* ((buffer (hlt-open-main))
         (conn (buffer-local-value 'heaplens--connection buffer)))
    (hlt-equal "one server for the project, rooted at the workspace (go.mod)"
               hlt-ws (and conn (heaplens--root conn)))
    (when conn
      (let ((expected (hlt-check-session buffer)))
        (hlt-check-escapes buffer)
        (with-current-buffer buffer
          (let ((other (find-file-noselect
                        (expand-file-name "escapes/sanitize.go" hlt-ws))))
            (hlt-check "a second Go file of the project joins the same server"
                       (eq (buffer-local-value 'heaplens--connection other) conn)
                       "another server")
            (kill-buffer other))
          (hlt-check-flame (hlt-hottest-function)))
        (hlt-check-commands buffer expected)
        (with-current-buffer buffer
          (hlt-check-runtime))
        (hlt-check-restart buffer)
        (setq conn (buffer-local-value 'heaplens--connection buffer))
        (hlt-check-sync buffer)
        (hlt-check-save)
        (with-current-buffer buffer
          (kill-buffer buffer))
        (let ((process (jsonrpc--process conn)))
          (heaplens-shutdown conn)
          (hlt-check "shutdown: the server exits with status 0"
                     (and (not (process-live-p process))
                          (eql (process-exit-status process) 0))
                     (format "%s %s" (process-status process)
                             (process-exit-status process)))))))
  (hlt-check-lsp-mode))

(condition-case err
    (hlt-main)
  (error
   (hlt-not-ok "the test ran to its end" (error-message-string err)
               (format "%S" err))))

(kill-emacs (if (zerop hlt-failed) 0 1))

;;; emacs-test.el ends here
