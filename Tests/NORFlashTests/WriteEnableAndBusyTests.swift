import Testing
import VirtualTime
@testable import NORFlash

@Suite("WEL and WIP (reference §A.4 status register, §A.6 timings)")
struct WriteEnableAndBusyTests {
    @Test("a page program without Write Enable is refused and changes nothing")
    func programWithoutWriteEnable() {
        let bench = Bench()
        bench.send(Tx.program(0x12, 0x0100_0000, [0x00, 0x11], addressSize: 4))
        #expect(bench.flash.read(address: 0x0100_0000, count: 2) == [0xFF, 0xFF])
        #expect(bench.flash.changes.isEmpty)
        let refusal = bench.flash.events.compactMap { e -> String? in
            if case .refusedWithoutWriteEnable = e.event { return e.event.message } else { return nil }
        }
        #expect(refusal == ["Page Program 4B 12h at 0x0100_0000 refused: WEL=0 (no Write Enable 06h since the last program/erase/register write)"])
    }

    @Test("WEL is set by 06h and cleared once a program is accepted")
    func welClearedAfterProgram() {
        let bench = Bench()
        bench.writeEnable()
        #expect(bench.status() & 0x02 == 0x02)
        bench.send(Tx.program(0x02, 0x40, [0x12]))
        #expect(bench.status() & 0x02 == 0)
    }

    @Test("WIP is set until now + tPP; nextSelfTimedChange returns that instant")
    func busyEndsAfterPageProgramTime() {
        let bench = Bench()
        bench.writeEnable()
        bench.now = .milliseconds(5)
        _ = bench.flash.exchange(Tx.program(0x02, 0x40, [0x12]), at: bench.now)
        #expect(bench.flash.nextSelfTimedChange == .milliseconds(5) + .microseconds(200))
        #expect(bench.status() & 0x01 == 0x01)
        bench.now = .milliseconds(5) + .microseconds(200)
        #expect(bench.status() & 0x01 == 0)
        #expect(bench.flash.nextSelfTimedChange == nil)
    }

    @Test("a read while WIP=1 is refused; RDSR 05h is answered")
    func readRefusedWhileBusy() {
        let bench = Bench()
        bench.writeEnable()
        bench.send(Tx.addressed(0x20, 0x1000))
        #expect(bench.read(0x1000, 2) == [0xFF, 0xFF])
        #expect(bench.has { if case .refusedWhileBusy = $0 { return true } else { return false } })
        #expect(bench.status() & 0x01 == 0x01)
    }

    @Test("Write Enable while busy is refused, so a program right after an erase fails")
    func writeEnableRefusedWhileBusy() {
        let bench = Bench()
        bench.writeEnable()
        bench.send(Tx.addressed(0x20, 0))
        bench.writeEnable()
        bench.send(Tx.program(0x02, 0, [0x00]))
        bench.waitUntilReady()
        #expect(bench.flash.read(address: 0, count: 1) == [0xFF])
        #expect(bench.has { if case .refusedWhileBusy(command: "Write Enable 06h", _, _) = $0 { return true } else { return false } })
    }

    @Test("typical and maximum profiles give tSE = 70 ms and 300 ms", arguments: [
        (FlashTimingProfile.typical, DeviceTime.milliseconds(70)),
        (FlashTimingProfile.maximum, DeviceTime.milliseconds(300)),
    ])
    func sectorEraseTimes(profile: FlashTimingProfile, expected: DeviceTime) {
        let bench = Bench(NORFlash(timing: profile))
        bench.writeEnable()
        let start = bench.now + .microseconds(1)
        bench.send(Tx.addressed(0x20, 0x2000))
        #expect(bench.flash.nextSelfTimedChange == start + expected)
    }

    @Test("typical and maximum page program times are 0.2 ms and 0.8 ms", arguments: [
        (FlashTimingProfile.typical, DeviceTime.microseconds(200)),
        (FlashTimingProfile.maximum, DeviceTime.microseconds(800)),
    ])
    func pageProgramTimes(profile: FlashTimingProfile, expected: DeviceTime) {
        let bench = Bench(NORFlash(timing: profile))
        bench.writeEnable()
        let start = bench.now + .microseconds(1)
        bench.send(Tx.program(0x02, 0, [0]))
        #expect(bench.flash.nextSelfTimedChange == start + expected)
    }

    @Test("chip erase erases everything and is busy for tCE (100 s typical, 270 s maximum)", arguments: [
        (FlashTimingProfile.typical, DeviceTime.seconds(100)),
        (FlashTimingProfile.maximum, DeviceTime.seconds(270)),
    ])
    func chipErase(profile: FlashTimingProfile, expected: DeviceTime) {
        let bench = Bench(NORFlash(content: .previousFirmware(seed: 7), timing: profile))
        bench.writeEnable()
        let start = bench.now + .microseconds(1)
        bench.send(Tx.command(0xC7))
        #expect(bench.flash.nextSelfTimedChange == start + expected)
        #expect(bench.flash.bytes.allSatisfy { $0 == 0xFF })
        #expect(bench.flash.changes.last?.operation == .chipErase)
    }

    @Test("a suspended erase lets reads through and resumes with its remaining time")
    func suspendResume() {
        let bench = Bench()
        bench.writeEnable()
        bench.send(Tx.addressed(0x20, 0))
        let end = bench.flash.nextSelfTimedChange
        bench.send(Tx.command(0x75))
        #expect(bench.status() & 0x01 == 0)
        #expect(bench.send(Tx.readRegister(0x48)).first.map { $0 & 0x08 } == 0x08)
        #expect(bench.read(0x10_0000, 1) == [0xFF])
        let resumeAt = bench.now + .microseconds(1)
        let elapsedBeforeSuspend = DeviceTime.microseconds(3)
        bench.send(Tx.command(0x7A))
        #expect(bench.flash.nextSelfTimedChange == resumeAt + ((end ?? .zero) - elapsedBeforeSuspend))
    }
}
