"""Sums the results of every test log in a folder into one closing line.

Understands cargo test ("test result: ok. N passed; M failed"), pytest
("== N passed, M failed in ...") and node's test runner ("# pass N", "# fail M").
Exits 1 when anything failed or when no test ran at all.
"""
import pathlib
import re
import sys

passed = failed = skipped = 0
for log in sorted(pathlib.Path(sys.argv[1]).glob("*.log")):
    text = log.read_text(errors="replace")
    for m in re.finditer(r"test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored", text):
        passed += int(m[1]); failed += int(m[2]); skipped += int(m[3])
    for m in re.finditer(r"^=+ (.*) in [\d.]+s", text, re.M):
        for count, word in re.findall(r"(\d+) (passed|failed|error|errors|skipped)", m[1]):
            if word == "passed":
                passed += int(count)
            elif word == "skipped":
                skipped += int(count)
            else:
                failed += int(count)
    for m in re.finditer(r"^# (pass|fail|skipped) (\d+)$", text, re.M):
        if m[1] == "pass":
            passed += int(m[2])
        elif m[1] == "fail":
            failed += int(m[2])
        else:
            skipped += int(m[2])

print(f"all tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or not passed else 0)
