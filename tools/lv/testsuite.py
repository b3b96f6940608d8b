"""`./levitate test`: build everything once, then let CTest run every test.

Order: install what is missing, build the kernel and userland of each architecture,
configure and build the test project (tests/CMakeLists.txt) in build/tests, run
ctest -j2 (host unit tests, user tests on each architecture, the docs check), and
print the summary line "N passed, M failed" last. A build failure counts as a failed
test (and the tests that need that build fail on their own).
"""
import os
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET

from lv import build, deps, reaper
from lv.paths import BUILD, ROOT

TESTS_BUILD = os.path.join(BUILD, "tests")


def _step(title):
    sys.stdout.write("==> %s\n" % title)
    sys.stdout.flush()


def _run(cmd, stdout=None, **kw):
    sys.stdout.flush()
    return subprocess.run(cmd, stdout=stdout or sys.stdout, stderr=subprocess.STDOUT, **kw).returncode


def _run_ctest(cmd, env):
    """ctest in a process group of its own, so that however we end (a signal, an
    exception, our death: PR_SET_PDEATHSIG), the whole group is ended with us and each
    `./levitate exec` in it ends its QEMU (lv/reaper.py)."""
    sys.stdout.flush()
    p = subprocess.Popen(cmd, stdout=sys.stdout, stderr=subprocess.STDOUT, env=env, start_new_session=True,
                         preexec_fn=reaper.preexec(signal.SIGTERM))
    try:
        return p.wait()
    finally:
        reaper.end_group(p)


def run(arches, regex, jobs):
    keys = ["tests"]
    for a in arches:
        keys += deps.for_arch(a)
    deps.ensure(*keys)

    build_failures = []
    for arch in arches:
        _step("build %s kernel and userland" % arch)
        try:
            build.build_all(arch)
        except build.BuildError as e:
            print("levitate: %s" % e)
            build_failures.append("build/%s" % arch)

    _step("build the tests")
    if not os.path.exists(os.path.join(TESTS_BUILD, "build.ninja")):
        if _run(["cmake", "-S", os.path.join(ROOT, "tests"), "-B", TESTS_BUILD, "-G", "Ninja",
                 "-DLEVITATE_TEST_ARCHES=" + ";".join(arches)]):
            build_failures.append("configure tests")
    else:
        _run(["cmake", "-DLEVITATE_TEST_ARCHES=" + ";".join(arches), TESTS_BUILD], stdout=subprocess.DEVNULL)
    # -k 0: one test that does not compile must not keep the others from running.
    if _run(["ninja", "-C", TESTS_BUILD, "-k", "0"]):
        build_failures.append("build tests")

    _step("run the tests (ctest -j%d)" % jobs)
    junit = os.path.join(TESTS_BUILD, "results.xml")
    if os.path.exists(junit):
        os.remove(junit)
    cmd = ["ctest", "--test-dir", TESTS_BUILD, "-j%d" % jobs, "--output-on-failure",
           "--output-junit", junit, "--timeout", "900"]
    if regex:
        cmd += ["-R", regex]
    # The runs ctest starts must not install or rebuild (and must not race on it).
    env = dict(os.environ, LEVITATE_PREPARED="1")
    _run_ctest(cmd, env)

    passed, failed, skipped, failed_names = count(junit)
    failed += len(build_failures)
    failed_names = build_failures + failed_names
    if failed_names:
        print("\nFailed:")
        for n in failed_names:
            print("  " + n)
    line = "%d passed, %d failed" % (passed, failed)
    if skipped:
        line += ", %d skipped" % skipped
    print(line)
    return 1 if failed or passed == 0 else 0


def count(junit):
    """(passed, failed, skipped, failed names) from CTest's JUnit report."""
    if not os.path.exists(junit):
        return 0, 1, 0, ["ctest produced no report"]
    passed = failed = skipped = 0
    names = []
    for case in ET.parse(junit).getroot().iter("testcase"):
        status = case.get("status", "")
        if case.find("failure") is not None or case.find("error") is not None or status == "fail":
            failed += 1
            names.append(case.get("name", "?"))
        elif case.find("skipped") is not None or status in ("notrun", "disabled"):
            # A test that skipped itself (exit 77) is a skip; one whose executable is
            # missing (its build failed) is a failure.
            msg = (case.find("skipped").get("message", "") if case.find("skipped") is not None else "")
            if "Unable to find executable" in msg or "Required Files Missing" in msg:
                failed += 1
                names.append(case.get("name", "?") + " (not built)")
            else:
                skipped += 1
        else:
            passed += 1
    return passed, failed, skipped, names
