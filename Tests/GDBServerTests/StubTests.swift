import GDBServer
import Testing

/// The stub against a value target, packet by packet, as GDB 13 talks to a remote target.
@Suite struct StubTests {
    func serve(_ packets: [String], target: FakeTarget = FakeTarget(), stop: StopReason = .attached) -> (GDBStub.ResumeAction, ScriptedLink) {
        let link = ScriptedLink(packets: packets)
        let stub = GDBStub(target: target, link: link)
        return (stub.halted(stop), link)
    }

    @Test func qSupportedAnnouncesTheTransfersAndBreakpointKinds() {
        let (_, link) = serve(["qSupported:multiprocess+;swbreak+;hwbreak+"])
        let reply = link.replies.first ?? ""
        #expect(reply.contains("PacketSize=4000"))
        #expect(reply.contains("qXfer:features:read+"))
        #expect(reply.contains("qXfer:memory-map:read+"))
        #expect(link.acks.hasPrefix("+"))
    }

    @Test func theTargetDescriptionIsAnMProfileWithTheFPU() {
        let (_, link) = serve(["qXfer:features:read:target.xml:0,3fff"])
        let xml = link.replies.first ?? ""
        #expect(xml.hasPrefix("l<?xml"))
        #expect(xml.contains("<feature name=\"org.gnu.gdb.arm.m-profile\">"))
        #expect(xml.contains("<reg name=\"xpsr\" bitsize=\"32\" regnum=\"16\""))
        #expect(xml.contains("<feature name=\"org.gnu.gdb.arm.vfp\">"))
        #expect(xml.contains("<reg name=\"d15\" bitsize=\"64\""))
        #expect(xml.contains("<reg name=\"fpscr\""))
    }

    @Test func aDocumentIsSentInPiecesWhenAskedForLess() {
        let (_, link) = serve(["qXfer:features:read:target.xml:0,10", "qXfer:features:read:target.xml:10,10"])
        #expect(link.replies.count == 2)
        #expect(link.replies[0] == "m<?xml version=\"1")
        #expect(link.replies[1].hasPrefix("m.0\"?>"))
    }

    @Test func theMemoryMapNamesEachRegionAndFlashBlocks() {
        let (_, link) = serve(["qXfer:memory-map:read::0,fff"])
        let xml = link.replies.first ?? ""
        #expect(xml.contains("<memory type=\"flash\" start=\"0x8000000\" length=\"0x400000\">"))
        #expect(xml.contains("<property name=\"blocksize\">0x2000</property>"))
        #expect(xml.contains("<!-- OCTOSPI1 -->"))
    }

    @Test func registersReadAndWriteInTheDescriptionsOrder() {
        let target = FakeTarget()
        target.values[15] = [0x01, 0x02, 0x00, 0x20]
        let (_, link) = serve(["pf", "P0=78563412", "g"], target: target)
        #expect(link.replies[0] == "01020020")
        #expect(link.replies[1] == "OK")
        #expect(target.values[0] == [0x78, 0x56, 0x34, 0x12])
        // 23 32-bit core/system registers, 16 doubles, FPSCR.
        #expect(link.replies[2].count == (23 * 4 + 16 * 8 + 4) * 2)
        #expect(link.replies[2].hasPrefix("78563412"))
    }

    @Test func memoryReadsWritesAndBinaryWrites() {
        let target = FakeTarget()
        // GDB escapes binary data once: `}` 0x03 stands for '#' (0x23).
        let binary = Array("X20000010,2:".utf8) + [0x7D, 0x03, 0x41]
        let raw = [UInt8(ascii: "$")] + binary + [UInt8(ascii: "#")] + Array(Hex.encode([RSPFrame.checksum(binary)]).utf8)
        let link = ScriptedLink([.bytes(RSPFrame.encode("M20000000,4:deadbeef")), .bytes(RSPFrame.encode("m20000000,4")),
                                 .bytes(RSPFrame.encode("m10000000,4")), .bytes(raw), .bytes(RSPFrame.encode("m20000010,2")), .closed("end")])
        _ = GDBStub(target: target, link: link).halted(.attached)
        #expect(link.replies[0] == "OK")
        #expect(link.replies[1] == "deadbeef")
        #expect(link.replies[2] == "E14")
        #expect(link.replies[3] == "OK")
        #expect(link.replies[4] == "2341")
    }

    @Test func breakpointsAndWatchpointsReachTheTarget() {
        let target = FakeTarget()
        let (_, link) = serve(["Z0,20000100,2", "Z1,20000104,2", "Z2,420d1400,4", "z0,20000100,2", "Z9,0,4", "Z0,zz,2"], target: target)
        #expect(link.replies == ["OK", "OK", "OK", "OK", "", "E01"])
        #expect(target.points == [StopPoint(kind: .hardware, address: 0x2000_0104, length: 2),
                                  StopPoint(kind: .write, address: 0x420D_1400, length: 4)])
    }

    @Test func continueAndStepResumeAndTheNextHaltAnswersWithAStopReply() {
        let target = FakeTarget()
        let link = ScriptedLink(packets: ["qSupported:swbreak+", "vCont;c"], thenClose: false)
        let stub = GDBStub(target: target, link: link)
        #expect(stub.halted(.attached) == .continueRunning)
        link.incoming = [.bytes(RSPFrame.encode("s"))]
        #expect(stub.halted(.breakpoint(.software)) == .step)
        link.incoming = [.bytes(RSPFrame.encode("vCont;s:1;c"))]
        #expect(stub.halted(.step) == .step)
        link.incoming = [.bytes(RSPFrame.encode("c"))]
        #expect(stub.halted(.watchpoint(.write, address: 0x420D_1400), console: ["hello"]) == .continueRunning)
        let replies = link.replies
        #expect(replies.contains("T05swbreak:;thread:1;"))
        #expect(replies.contains("T05thread:1;"))
        #expect(replies.contains("O" + Hex.encode("hello\n")))
        #expect(replies.last == "T05watch:420d1400;thread:1;")
    }

    @Test func faultsStopWithTheirSignal() {
        let link = ScriptedLink(packets: ["c"], thenClose: false)
        let stub = GDBStub(target: FakeTarget(), link: link)
        _ = stub.halted(.attached)
        link.incoming = [.bytes(RSPFrame.encode("?"))]
        _ = stub.halted(.fault(signal: .segv))
        #expect(link.replies.suffix(2) == ["T0bthread:1;", "T0bthread:1;"])
        #expect(StopReason.fault(signal: .bus).signal.rawValue == 10)
        #expect(StopReason.fault(signal: .ill).signal.rawValue == 4)
    }

    @Test func monitorCommandsPrintOnTheConsoleThenOK() {
        let target = FakeTarget()
        let (_, link) = serve(["qRcmd," + Hex.encode("flash")], target: target)
        #expect(target.monitorCommands == ["flash"])
        #expect(link.replies == ["O" + Hex.encode("you said flash\n"), "O" + Hex.encode("second line\n"), "OK"])
    }

    @Test func detachRepliesOKAndClosesTheLink() {
        let (action, link) = serve(["D"])
        #expect(action == .detach(reason: "the debugger detached (D)"))
        #expect(link.replies == ["OK"])
        #expect(link.closed)
    }

    @Test func killEndsTheConnectionWithoutAReply() {
        let (action, link) = serve(["vKill;1"])
        #expect(action == .kill)
        #expect(link.replies.isEmpty)
        #expect(link.closed)
    }

    @Test func aDisconnectWhileHaltedDetaches() {
        let (action, link) = serve([])
        #expect(action == .detach(reason: "script ended"))
        #expect(link.closed)
    }

    @Test func aBadChecksumIsNakedAndTheGoodResendAnswered() {
        let link = ScriptedLink([.bytes(Array("$g#00".utf8)), .bytes(RSPFrame.encode("qC")), .closed("end")])
        let stub = GDBStub(target: FakeTarget(), link: link)
        _ = stub.halted(.attached)
        #expect(link.acks.hasPrefix("-+"))
        #expect(link.replies == ["QC1"])
    }

    @Test func aClientThatSendsOnlyGarbageIsDisconnectedNotServedForever() {
        var lines: [String] = []
        let garbage = [LinkEvent](repeating: .bytes(Array("GET / HTTP/1.1\r\n".utf8)), count: 10)
        let link = ScriptedLink(garbage)
        let stub = GDBStub(target: FakeTarget(), link: link, diagnostic: { lines.append($0) })
        let action = stub.halted(.attached)
        guard case .detach(let why) = action else {
            Issue.record("expected a detach, got \(action)")
            return
        }
        #expect(why.contains("not a GDB client"))
        #expect(link.closed)
        #expect(!stub.isAttached)
        #expect(lines.first?.contains("outside a packet") == true)
    }

    @Test func anInterruptWhileRunningIsSeenAndOtherInputWaits() {
        let link = ScriptedLink(packets: ["c"], thenClose: false)
        let stub = GDBStub(target: FakeTarget(), link: link)
        _ = stub.halted(.attached)
        #expect(stub.pollInterrupt() == false)
        link.incoming = [.bytes([0x03])]
        #expect(stub.pollInterrupt())
        link.incoming = [.bytes(RSPFrame.encode("k"))]
        #expect(stub.halted(.interrupted) == .kill)
        #expect(link.replies.last == "T02thread:1;")
    }

    @Test func theSessionsEndIsAnExitCode() {
        let link = ScriptedLink(packets: ["c"], thenClose: false)
        let stub = GDBStub(target: FakeTarget(), link: link)
        _ = stub.halted(.attached)
        // The debugger's acks for the console line and the exit.
        link.incoming = [.bytes(Array("++".utf8))]
        stub.sessionEnded(exitCode: 1, console: ["FAILED"])
        #expect(link.replies.suffix(2) == ["O" + Hex.encode("FAILED\n"), "W01"])
        #expect(link.closed)
    }

    @Test func malformedArgumentsAreErrorsNotCrashes() {
        let (_, link) = serve(["m", "mzz,4", "m20000000", "M20000000,4:12", "p", "pzz", "P1=", "G1", "qXfer:features:read:other.xml:0,10", "m20000000,ffffffff"])
        #expect(link.replies == ["E01", "E01", "E01", "E01", "E45", "E45", "E01", "E01", "E00", "E01"])
    }
}
