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

    @Test func brokenLoaderBreakWatchAndStopAtTheFindingsInstruction() throws {
        let loader = try Repository.brokenLoaderPath("write-not-enabled")
        let image = try Lab.image()
        let args = [image, "--load-address", "0x90000000", "--loader", loader]
        let run = try debug(args + ["--stop-at-finding", "write-not-enabled"], elf: loader, commands: [
            "break *Write",
            "continue",
            "printf \"ARGS %x %d %x\\n\", $r0, $r1, $r2",
            "x/4xb $r2",
            "stepi",
            "watch *(unsigned int *)0x420D1400",
            "continue",
            "monitor flash",
            "delete",
            "continue",
            "printf \"HALTED %x\\n\", $pc",
            "stepi",
            "monitor trace 8",
            "continue",
        ])
        let gdb = run.gdb
        #expect(gdb.contains("Breakpoint 1, "), "\(gdb)")
        #expect(gdb.contains("ARGS 90000000 600 2000"), "\(gdb)")
        #expect(gdb.contains("0x03\t0x0a\t0x11\t0x18"), "\(gdb)")
        #expect(gdb.contains("Hardware watchpoint 2: *(unsigned int *)0x420D1400"), "\(gdb)")
        #expect(gdb.contains("WEL=0"), "\(gdb)")
        #expect(gdb.contains("LoaderLab: finding [write-not-enabled] in Write#1"), "\(gdb)")
        // The halt is on the instruction the first evidence names, the one whose transfer
        // the flash refused: one step later the refusal is in the trace.
        let evidencePC = value(#"halted at the instruction that produced the first evidence:\s+\[[^\]]+\] pc=0x([0-9A-F]{8})"#, in: gdb)
        let haltedPC = value(#"HALTED ([0-9a-f]+)"#, in: gdb)
        #expect(evidencePC != nil && haltedPC != nil, "\(gdb)")
        #expect(UInt32(evidencePC ?? "", radix: 16) == UInt32(haltedPC ?? "x", radix: 16), "\(gdb)")
        let afterStep = gdb.components(separatedBy: "HALTED").last ?? ""
        #expect(afterStep.contains("refused: WEL=0"), "\(gdb)")
        #expect(gdb.contains("exited with code 01"), "\(gdb)")
        #expect(run.status == 1, "\(run.stderr)")
        let plain = try plainReport(args)
        #expect(Lab.normalized(run.report) == Lab.normalized(plain))
    }

    @Test func aFaultStopsWithItsSignalAndItsStatusInMonitorFindings() throws {
        let loader = try Repository.brokenLoaderPath("fpu-disabled")
        let image = try Lab.image()
        let args = [image, "--load-address", "0x90000000", "--loader", loader]
        let run = try debug(args + ["--stop-at-finding", "fpu-disabled"], elf: loader, commands: [
            "continue", "x/i $pc", "monitor findings", "continue",
        ])
        #expect(run.gdb.contains("Program received signal SIGILL"), "\(run.gdb)")
        #expect(run.gdb.contains("vldr"), "\(run.gdb)")
        // NOCP (CFSR bit 19), escalated to HardFault (HFSR.FORCED).
        #expect(run.gdb.contains("CFSR=0x00080000 HFSR=0x40000000"), "\(run.gdb)")
        #expect(run.gdb.contains("[fpu-disabled]"), "\(run.gdb)")
        #expect(run.status == 1)
        #expect(Lab.normalized(run.report) == Lab.normalized(try plainReport(args)))
    }

    @Test func anUnknownFindingIsABadInputNamingTheOnesThere() throws {
        let loader = try Repository.brokenLoaderPath("fpu-disabled")
        let child = try Child(Lab.loaderlab()!, ["program", try Lab.image(), "--load-address", "0x90000000", "--loader", loader,
                                                 "--stop-at-finding", "page-boundary"])
        #expect(child.wait(timeout: 300) == 2)
        #expect(child.stderr.contains("the session has no finding 'page-boundary'; it has: fpu-disabled"), "\(child.stderr)")
    }

    /// Starts a server for raw clients; returns the process and its port.
    func rawServer(_ extra: [String]) throws -> (Child, Int, [String])? {
        let loader = try Repository.ourLoaderPath()
        let args = [try Lab.image(), "--load-address", "0x90000000", "--loader", loader]
        let lab = try Child(Lab.loaderlab()!, ["program"] + args + ["--gdb", "127.0.0.1:0", "--gdb-wait", "120"] + extra)
        guard let port = lab.waitForStderr(#"GDB server listening on [0-9.]+:([0-9]+)"#, timeout: 300).flatMap({ Int($0) }) else {
            lab.wait(timeout: 1)
            Issue.record("no port; stderr:\n\(lab.stderr)")
            return nil
        }
        return (lab, port, args)
    }

    @Test func aClientSendingGarbageIsDisconnectedAndTheSessionFinishes() throws {
        guard let (lab, port, args) = try rawServer([]) else { return }
        let client = try #require(RawClient(port: port))
        for _ in 0..<40 { client.send("GET / HTTP/1.1\r\n") }
        let (_, closed) = client.readAll(timeout: 30)
        #expect(closed, "the server kept a garbage client")
        #expect(lab.wait(timeout: 300) == 0, "\(lab.stderr)")
        #expect(lab.stderr.contains("not a GDB client"), "\(lab.stderr)")
        #expect(Lab.normalized(lab.stdout) == Lab.normalized(try plainReport(args)))
    }

    @Test func aSecondDebuggerIsRefusedAndTheFirstHangingUpMidSessionDoesNotHangIt() throws {
        guard let (lab, port, args) = try rawServer(["--gdb-stop-at", "calls"]) else { return }
        let first = try #require(RawClient(port: port))
        first.send("$?#3f")
        #expect(first.read(until: "#", timeout: 30).contains("T05"))
        let second = try #require(RawClient(port: port))
        let (refusal, closed) = second.readAll(timeout: 30)
        #expect(refusal.contains("E.another debugger is already attached"), "\(refusal)")
        #expect(closed)
        // Continue to the next call's entry, then hang up while halted there.
        first.send("+$c#63")
        let stop = first.read(until: "thread:1;", timeout: 60)
        // The console line comes hex-encoded in an O packet before the stop reply.
        #expect(stop.contains("656e747279206f66"), "\(stop)")
        #expect(stop.contains("$T05"), "\(stop)")
        close(first.fd)
        #expect(lab.wait(timeout: 300) == 0, "\(lab.stderr)")
        #expect(lab.stderr.contains("refused a second debugger"), "\(lab.stderr)")
        #expect(lab.stderr.contains("the debugger disconnected"), "\(lab.stderr)")
        #expect(Lab.normalized(lab.stdout) == Lab.normalized(try plainReport(args)))
    }

    @Test func withStopAtNoneTheSessionDoesNotWaitForADebugger() throws {
        let loader = try Repository.ourLoaderPath()
        let args = [try Lab.image(), "--load-address", "0x90000000", "--loader", loader]
        let child = try Child(Lab.loaderlab()!, ["program"] + args + ["--gdb", "127.0.0.1:0", "--gdb-stop-at", "none"])
        #expect(child.wait(timeout: 300) == 0, "\(child.stderr)")
        #expect(child.stderr.contains("GDB server listening on 127.0.0.1:"))
        #expect(!child.stderr.contains("waiting for a debugger"))
        #expect(Lab.normalized(child.stdout) == Lab.normalized(try plainReport(args)))
    }
}
