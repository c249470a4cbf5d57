import Foundation
import TestSupport
import Testing

/// `loaderlab program --gdb` driven by a real `gdb-multiarch --batch`, as a user would:
/// every wait has a deadline, and the report must be the one a plain run prints.
@Suite(.serialized, .enabled(if: Lab.gdbPath != nil && Lab.loaderlab() != nil, "needs gdb-multiarch and the built loaderlab"))
struct GDBSessionTests {
    struct Run {
        var gdb: String
        var report: String
        var stderr: String
        var status: Int32?
    }

    /// The plain session's report (no debugger).
    func plainReport(_ arguments: [String]) throws -> String {
        let child = try Child(Lab.loaderlab()!, ["program"] + arguments)
        let status = child.wait(timeout: 300)
        #expect(status != nil, "loaderlab program did not finish in 300 s")
        return child.stdout
    }

    /// Starts the server, runs gdb's commands against it, waits for both.
    func debug(_ arguments: [String], elf: String?, commands: [String]) throws -> Run {
        let lab = try Child(Lab.loaderlab()!, ["program"] + arguments + ["--gdb", "127.0.0.1:0", "--gdb-wait", "120"])
        guard let port = lab.waitForStderr(#"GDB server listening on [0-9.]+:([0-9]+)"#, timeout: 300) else {
            let status = lab.wait(timeout: 1)
            Issue.record("the server never printed its port (exit \(status.map(String.init) ?? "none")); stderr:\n\(lab.stderr)\nstdout:\n\(lab.stdout)")
            return Run(gdb: "", report: lab.stdout, stderr: lab.stderr, status: nil)
        }
        var gdbArgs = ["--batch", "-nx", "-ex", "set pagination off", "-ex", "set confirm off"]
        if let elf { gdbArgs += ["-ex", "file \(elf)"] }
        gdbArgs += ["-ex", "target remote 127.0.0.1:\(port)"]
        for c in commands { gdbArgs += ["-ex", c] }
        let gdb = try Child(Lab.gdbPath!, gdbArgs)
        let gdbStatus = gdb.wait(timeout: 300)
        #expect(gdbStatus != nil, "gdb did not finish in 300 s:\n\(gdb.stdout)\n\(gdb.stderr)")
        let status = lab.wait(timeout: 300)
        #expect(status != nil, "loaderlab did not finish after gdb left:\n\(lab.stderr)")
        return Run(gdb: gdb.stdout + gdb.stderr, report: lab.stdout, stderr: lab.stderr, status: status)
    }

    func value(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), m.numberOfRanges > 1,
              let r = Range(m.range(at: 1), in: text) else { return nil }
        return String(text[r])
    }

    @Test func ourLoaderBreakOnWriteRegistersBufferStepWatchpointAndMonitor() throws {
        let loader = try Repository.ourLoaderPath()
        let image = try Lab.image()
        let args = [image, "--load-address", "0x90000000", "--loader", loader]
        let run = try debug(args, elf: loader, commands: [
            "break *Write",
            "continue",
            "printf \"ARGS %x %d %x\\n\", $r0, $r1, $r2",
            "x/4xb $r2",
            "info registers pc sp xpsr",
            "monitor time",
            "stepi",
            "monitor time",
            "monitor flash",
            "delete",
            "watch *(unsigned int *)0x420D1400",
            "continue",
            "monitor trace 5",
            "delete",
            "continue",
        ])
        let gdb = run.gdb
        #expect(gdb.contains("Breakpoint 1, "), "\(gdb)")
        #expect(gdb.contains("in Write"), "\(gdb)")
        // Write(Address, Size, Buffer) as the programmer calls it.
        #expect(gdb.contains("ARGS 90000000 600 2000"), "\(gdb)")
        // The buffer holds the image: bytes 3, 10, 17, 24.
        #expect(gdb.contains("0x03\t0x0a\t0x11\t0x18"), "\(gdb)")
        #expect(gdb.contains("xpsr"), "\(gdb)")
        // One instruction costs one core cycle.
        let times = gdb.matches(of: /Virtual time [^(]+\((\d+) ps\), core clock (\d+) Hz/).map { (UInt64($0.1)!, UInt64($0.2)!) }
        #expect(times.count == 2, "\(gdb)")
        if times.count == 2 {
            #expect(times[1].0 - times[0].0 == 1_000_000_000_000 / times[0].1, "\(gdb)")
        }
        #expect(gdb.contains("WEL="), "\(gdb)")
        #expect(gdb.contains("address mode:"), "\(gdb)")
        #expect(gdb.contains("Last commands:"), "\(gdb)")
        #expect(gdb.contains("Hardware watchpoint 2: *(unsigned int *)0x420D1400"), "\(gdb)")
        #expect(gdb.contains("New value = "), "\(gdb)")
        #expect(gdb.contains("exited normally"), "\(gdb)")
        #expect(run.status == 0, "\(run.stderr)")
        let plain = try plainReport(args)
        #expect(Lab.normalized(run.report) == Lab.normalized(plain))
        #expect(!run.report.isEmpty)
    }
}
