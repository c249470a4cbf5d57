import Board
import FirmwareImage
import Foundation
import LoaderFile
import NORFlash
import Testing
@testable import Programmer

/// Our Embedded Swift loader (Firmware/) hosted as CubeProgrammer hosts it, on the scenarios
/// issue #4 names. Written apart from the simulator: when they agree, both read RM0456 and
/// the datasheet the same way.
@Suite("Our loader in simulation")
struct OurLoaderTests {
    func run(_ image: FirmwareImage, loader: LoaderFile? = nil, _ configure: (inout SessionOptions) -> Void = { _ in }) throws -> SessionReport {
        var options = SessionOptions()
        configure(&options)
        let session = try ProgrammerSession(loader: loader ?? Fixtures.ourLoader(), image: image, imageName: "image.hex", options: options)
        return session.run()
    }

    func expectClean(_ report: SessionReport, _ comment: String = "") {
        #expect(report.result == "ok", "\(comment)\n\(report.text())")
        #expect(!report.findings.contains { $0.severity > .note }, "\(comment): \(report.findings.map(\.code))")
    }

    @Test("The reported scenario: 16 KiB at 0x0800_0000 and 768 KiB at 0x9000_0000, from a used flash")
    func reportedScenario() throws {
        let report = try run(Fixtures.reportedImage)
        expectClean(report)
        #expect(report.programmerLog.contains("Erasing external memory sectors [0 191]"))
        #expect(report.programmerLog.contains("Download verified successfully"))
        #expect(report.calls.filter { $0.function == "Init" }.count == 3, "one Init per operation: erase, program, read-back")
        #expect(report.calls.filter { $0.function == "Write" }.allSatisfy { $0.result == 1 })
        // The programmer gives ~1 KiB of stack; the loader must stay well inside it.
        #expect((report.maxStackDepth ?? .max) < 0x3FC)
    }

    @Test("The report in JSON carries result, findings, calls and timing")
    func reportedScenarioJSON() throws {
        let report = try run(Fixtures.reportedImage)
        let object = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any]
        #expect(object?["result"] as? String == "ok")
        #expect((object?["findings"] as? [Any])?.isEmpty == true)
        #expect(((object?["calls"] as? [[String: Any]])?.count ?? 0) == report.calls.count)
        let timing = object?["timing"] as? [String: Any]
        #expect((timing?["deviceSeconds"] as? Double ?? 0) > 0.5, "erasing 192 sectors takes device time")
        #expect(timing?["hostSeconds"] is Double)
    }

    @Test("4 MiB of random data from an unaligned start to an unaligned end")
    func unalignedFourMiB() throws {
        expectClean(try run(Fixtures.image([(0x9012_3457, (4 << 20) + 0x1235)], seed: 9)))
    }

    @Test("Data across the 16 MiB and 32 MiB boundaries lands where it was meant (4-byte addressing)")
    func bankBoundaries() throws {
        let report = try run(Fixtures.image([(0x90FF_FF80, 0x100), (0x91FF_FFC3, 0x7D), (0x9200_0100, 0x40)], seed: 3))
        expectClean(report)
    }

    @Test("The last sector of the chip, up to its last byte")
    func lastSector() throws {
        expectClean(try run(Fixtures.image([(0x93FF_F000, 0x1000)], seed: 4)))
    }

    @Test("From an erased flash, and read back through the loader's own Verify")
    func erasedAndLoaderVerify() throws {
        let report = try run(Fixtures.image([(0x9000_0101, 0x3333)], seed: 5)) {
            $0.initialFlash = .erased
            $0.verify = .loader
        }
        expectClean(report)
        #expect(report.calls.contains { $0.function == "Verify" && $0.result.map { $0 & 0xFFFF_FFFF == 0 } == true })
    }

    @Test("Declared as SPI_FLASH (7), the programmer reads back through the loader's Read instead of the window")
    func spiFlashReadsThroughRead() throws {
        let ours = try Fixtures.ourLoader()
        guard var info = ours.storageInfo, let offset = ours.storageInfoFileOffset else {
            Issue.record("our loader has no StorageInfo")
            return
        }
        info.deviceType = 7
        var bytes = ours.elf.bytes
        bytes.replaceSubrange(offset..<(offset + 200), with: info.encoded())
        let loader = try LoaderFile(bytes: bytes, name: ours.name)
        let report = try run(Fixtures.image([(0x9000_0010, 0x1F00)], seed: 12), loader: loader)
        expectClean(report)
        #expect(report.calls.contains { $0.function == "Read" && $0.result == 1 })
    }

    @Test("The flash left in QPI mode by an earlier run: Init's QPI reset brings it back", arguments: [FlashLeftovers.qpi, .fourByteAddressing, [.qpi, .fourByteAddressing]])
    func leftoverModes(_ leftovers: FlashLeftovers) throws {
        expectClean(try run(Fixtures.image([(0x9000_2000, 0x2100), (0x9100_0000, 0x100)], seed: 6)) { $0.leftoverFlashModes = leftovers },
                    "leftovers \(leftovers.rawValue)")
    }

    @Test("MassErase with the chip erase, then programming", .tags(.slow))
    func fullChipErase() throws {
        let report = try run(Fixtures.image([(0x9000_0000, 0x2000), (0x93FF_FF00, 0x100)], seed: 7)) { $0.fullChipErase = true }
        expectClean(report)
        let mass = report.calls.first { $0.function == "MassErase" }
        #expect(mass?.result == 1)
        #expect((mass?.deviceSeconds ?? 0) > 10, "a 512 Mbit chip erase takes tens of seconds on the board")
    }

    @Test("make-loader outputs for the other example boards program on those boards",
          arguments: ["stm32u5g7-is25lp512m-alt-pins", "stm32u5g7-is25lp512m-porte", "stm32u5g7-is25lp512m-octospi2"])
    func otherBoards(_ name: String) throws {
        let board = try Board.load(path: Fixtures.path("Boards/\(name).json"))
        _ = try Fixtures.ourLoader()
        let patched = try LoaderPatcher(basePath: Fixtures.path("build/IS25LP512M_STM32U5G7.stldr")).patch(board: board, outputName: "\(name).stldr")
        let base: UInt32 = board.octospi.instance == 2 ? 0x7000_0000 : 0x9000_0000
        let report = try run(Fixtures.image([(base + 0x1_0003, 0x4321)], seed: 8), loader: patched.loader) { $0.board = board }
        expectClean(report, name)
    }

    @Test("The default loader on a board wired differently talks to nothing, and says which pins")
    func wrongBoard() throws {
        let board = try Board.load(path: Fixtures.path("Boards/stm32u5g7-is25lp512m-alt-pins.json"))
        let report = try run(Fixtures.image([(0x9000_0000, 0x100)])) { $0.board = board }
        #expect(report.result == "failed")
        #expect(report.findings.first?.code == "pins-not-routed", "\(report.findings.map(\.code))")
        #expect(report.findings.first?.message.contains("PB11") ?? false)
    }
}

extension Tag {
    @Tag static var slow: Self
}
