import FirmwareImage
import Foundation
import LoaderFile
import Testing
import TestSupport
@testable import Programmer

/// Loaders written the way ST's template and CubeMX lead people to (Tests/Fixtures/HALLoaders,
/// built with arm-none-eabi-gcc against STM32CubeU5 HAL v1.6.3 in ../shared/vendor/stm32u5).
/// Skipped where the vendor folder or the compiler is absent.
@Suite("HAL-based loaders", .enabled(if: HALFixtures.available, "needs ../shared/vendor/stm32u5 and arm-none-eabi-gcc"))
struct HALLoaderTests {
    static var options: SessionOptions {
        var o = SessionOptions()
        o.maxInstructionsPerCall = 80_000_000
        o.timeouts.initialize = .seconds(2)
        o.timeouts.write = .seconds(10)
        o.timeouts.sectorErase = .seconds(5)
        return o
    }

    /// Like the reported image, smaller: 16 KiB for the MCU's own flash, an unaligned chunk
    /// at the start of the external flash, and data across the 16 MiB boundary.
    static var image: FirmwareImage {
        Fixtures.image([(0x0800_0000, 0x4000), (0x9000_1003, 0x1235), (0x90FF_FF00, 0x300)])
    }

    static func run(_ name: String, _ adjust: (inout SessionOptions) -> Void = { _ in }) throws -> SessionReport {
        var o = options
        adjust(&o)
        return try ProgrammerSession(loader: HALFixtures.loader(name), image: image, imageName: "seed-like.hex", options: o).run()
    }

    @Test("A correct HAL loader programs and verifies with no finding above note", arguments: ["hal-msi-4mhz", "hal-pll-160mhz"])
    func correctLoaderWorks(name: String) throws {
        let report = try Self.run(name)
        #expect(report.result == "ok", "\(report.text())")
        #expect(!report.findings.contains { $0.severity > .note }, "\(report.findings.map(\.code))")
    }

    /// CubeMX's SystemClock_Config for a board with a 16 MHz crystal: PLL1 from HSE. On a
    /// board file that gives the crystal it works; without one (the default board) it is
    /// `hse-not-on-board`, the one error, with the RCC_CR poll as evidence.
    @Test("A HAL loader clocked from a 16 MHz HSE: programs on a board that has one, hse-not-on-board on one that does not")
    func hseClockedLoader() throws {
        let withCrystal = try Self.run("hal-hse-pll-160mhz") { $0.board.clock.hseHz = 16_000_000 }
        #expect(withCrystal.result == "ok", "\(withCrystal.text())")
        #expect(!withCrystal.findings.contains { $0.severity > .note }, "\(withCrystal.findings.map(\.code))")
        #expect(!withCrystal.findings.contains { $0.code == "hse-not-on-board" })

        let without = try Self.run("hal-hse-pll-160mhz")
        #expect(without.result == "failed")
        #expect(without.findings.filter { $0.severity > .note }.map(\.code) == ["hse-not-on-board"], "\(without.findings.map(\.code))")
        let finding = try #require(without.findings.first)
        #expect(finding.call == "Init" && finding.message.contains("hseHz"), "\(finding.message)")
        #expect(finding.evidence.contains { $0.contains("polled RCC_CR") && $0.contains("HSERDY)=0") }, "\(finding.evidence)")
    }

    /// `identify` runs Init on a board with ST's default 16 MHz HSE, reads back the crystal
    /// the loader's SystemCoreClock implies (its HAL computed it from its own HSE_VALUE), runs
    /// it again with that crystal, and writes it into the board, which then programs.
    @Test("identify: a loader clocked from HSE gets the crystal it was built for in its board, and that board programs",
          arguments: [("hal-hse-pll-160mhz", UInt32(16_000_000)), ("hal-hse8-pll-160mhz", UInt32(8_000_000))])
    func identifyFindsTheCrystal(name: String, hz: UInt32) throws {
        let result = LoaderIdentifier.identify(loader: try HALFixtures.loader(name))
        let board = try #require(result.board, "\(result.text())")
        #expect(board.clock.hseHz == hz, "\(result.text())")
        #expect(result.wiring?.hseFromLoader == true)
        #expect(result.wiring?.sysclkHz == 160_000_000, "\(result.text())")
        #expect(result.confirmed)
        #expect(result.text().contains("HSE             \(hz / 1_000_000) MHz"), "\(result.text())")
        let report = try Self.run(name) { $0.board = board }
        #expect(report.result == "ok", "\(report.text())")
    }

    @Test("identify: a loader that never starts HSE gets no crystal in its board")
    func identifyWithoutHSE() throws {
        let result = LoaderIdentifier.identify(loader: try HALFixtures.loader("hal-pll-160mhz"))
        let board = try #require(result.board, "\(result.text())")
        #expect(board.clock.hseHz == nil && result.wiring?.hseHz == nil)
        #expect(!result.text().contains("HSE "))
    }

    @Test("HAL_OSPIM_Config's access to OCTOSPI2 with its clock off is a trailing note, never the first finding")
    func octospi2AccessIsNoteOnly() throws {
        let report = try Self.run("hal-pll-160mhz")
        let note = report.findings.first { $0.code == "peripheral-clock-disabled" }
        #expect(note?.severity == .note)
        #expect(note?.evidence.contains { $0.contains("OCTOSPI2_CR") && $0.contains("HAL_OSPIM_Config") } ?? false, "\(report.findings)")
        #expect(report.findings.first?.code != "peripheral-clock-disabled" || report.findings.count == 1)
    }

    @Test("Each HAL mistake is named as the first finding", arguments: [
        ("hal-return-value", "return-value"),
        ("hal-systick-not-running", "systick-not-running"),
        ("hal-memory-mapped-active", "memory-mapped-active"),
        ("hal-uninitialized-bss", "uninitialized-bss"),
        ("hal-clock-order", "clock-configuration-order"),
        ("hal-hse-pll-160mhz", "hse-not-on-board"),
    ])
    func mistakeIsFirst(name: String, code: String) throws {
        let report = try Self.run(name)
        #expect(report.findings.first?.code == code, "\(name): \(report.findings.map(\.code))\n\(report.text())")
        #expect(report.findings.first?.severity == .error)
    }

    @Test("The HAL's memory-mapped refusal: no register traffic, the call returns 0 while FMODE=11")
    func memoryMappedRefusalEvidence() throws {
        let report = try Self.run("hal-memory-mapped-active")
        #expect(report.result == "failed")
        let first = try #require(report.findings.first)
        #expect(first.call?.hasPrefix("SectorErase") ?? false, "\(first)")
        #expect(first.evidence.contains { $0.contains("FMODE=11") }, "\(first.evidence)")
        #expect(first.evidence.contains { $0.contains("the flash saw no command") }, "\(first.evidence)")
    }

    @Test("Removing PWR_SVMSR from the model makes the first finding lab-unmodeled naming it, never a loader mistake")
    func removedRegisterIsLabUnmodeled() throws {
        let report = try Self.run("hal-pll-160mhz") { $0.registersRemovedFromModel = ["PWR_SVMSR"] }
        #expect(report.result == "failed")
        let first = try #require(report.findings.first)
        #expect(first.code == "lab-unmodeled", "\(report.findings.map(\.code))")
        #expect(first.severity == .warning)
        #expect(first.message.contains("PWR_SVMSR"))
        #expect(first.message.contains("HAL_PWREx_ControlVoltageScaling"), "\(first.message)")
        #expect(first.message.contains("Init"))
        #expect(first.message.contains("may be the lab's limit rather than the loader's mistake"))
        // What Init waited for: the HAL reads SVMSR once for ACTVOS, then polls ACTVOSRDY with
        // a countdown of 50 µs × 4 MHz / 1000 + 1 = 201 (plus the check that ends it).
        let poll = first.evidence.first { $0.hasPrefix("Init polled PWR_SVMSR") }
        #expect(poll?.contains("bit 15 (ACTVOSRDY)=0") ?? false, "\(first.evidence)")
        #expect(poll?.contains("then returned 0") ?? false)
        let count = poll.flatMap { $0.split(separator: " ").dropFirst(3).first.flatMap { Int($0) } } ?? 0
        #expect((201...203).contains(count), "\(poll ?? "no poll evidence")")
        // The raw outcome follows, with the same evidence, but never leads.
        let failed = report.findings.first { $0.code == "call-failed" }
        #expect(failed?.evidence.contains { $0.hasPrefix("Init polled PWR_SVMSR") } ?? false, "\(report.findings.map(\.code))")
    }

    @Test("Without the switch the same loader passes: the model of PWR_SVMSR is what makes it work")
    func switchIsTheOnlyDifference() throws {
        #expect(try Self.run("hal-pll-160mhz").result == "ok")
    }
}

enum HALFixtures {
    static var available: Bool {
        let vendor = Repository.root.deletingLastPathComponent().appendingPathComponent("shared/vendor/stm32u5/stm32u5xx-hal-driver").path
        guard FileManager.default.fileExists(atPath: vendor) else { return false }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/arm-none-eabi-gcc") }
    }

    static func loader(_ name: String) throws -> LoaderFile {
        try LoaderFile(path: Repository.ensureBuilt("build/hal/\(name).stldr", by: "Tests/Fixtures/HALLoaders/build.sh"))
    }
}

