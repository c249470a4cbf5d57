import Board
import ELF
import Foundation
import LoaderFile
import Testing
import TestSupport
@testable import LoaderLabCLI

/// `loaderlab make-loader` run through its parsed command type, with the board files in
/// `Boards/` exactly as a user passes them and the firmware's built loader as the base.
@Suite struct MakeLoaderCommandTests {
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func boardPath(_ file: String) -> String { repoRoot.appendingPathComponent("Boards/" + file).path }

    /// The firmware loader, built with `bash Firmware/build.sh` if `build/` lacks it.
    static let basePath: Result<String, BuildFailure> = {
        do { return .success(try Repository.ourLoaderPath()) } catch { return .failure(BuildFailure(description: "\(error)")) }
    }()

    struct BuildFailure: Error, CustomStringConvertible { var description: String }

    static func base() throws -> String {
        switch basePath {
        case .success(let path): return path
        case .failure(let failure):
            Issue.record(Comment(rawValue: failure.description))
            throw failure
        }
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loaderlab-make-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String, diagnostics: String) {
        let command = try MakeLoaderCommand.parse(arguments)
        var output = ""
        var diagnostics = ""
        let status = command.execute(output: { output += $0 }, diagnostics: { diagnostics += $0 })
        return (status, output, diagnostics)
    }

    @Test(arguments: [
        ("stm32u5g7-is25lp512m-alt-pins.json", "OCTOSPI1 on OCTOSPIM port 1", "0x9000_0000", "NCS PB11 AF10 pull-up, CLK PA3 AF10, IO0 PB1 AF10, IO1 PE13 AF10, IO2 PA7 AF10 pull-up, IO3 PA6 AF10 pull-up"),
        ("stm32u5g7-is25lp512m-porte.json", "OCTOSPI1 on OCTOSPIM port 1", "0x9000_0000", "NCS PE11 AF10 pull-up, CLK PE10 AF10, IO0 PE12 AF10, IO1 PE13 AF10, IO2 PE14 AF10 pull-up, IO3 PE15 AF10 pull-up"),
        ("stm32u5g7-is25lp512m-octospi2.json", "OCTOSPI2 on OCTOSPIM port 1", "0x7000_0000", "NCS PA2 AF10 pull-up, CLK PB10 AF10, IO0 PE12 AF10, IO1 PB0 AF10, IO2 PE14 AF10 pull-up, IO3 PE15 AF10 pull-up"),
    ])
    func writesALoaderThatInspectsClean(board: String, routing: String, start: String, pins: String) throws {
        let output = try Self.temporaryDirectory().appendingPathComponent("MyBoard_QSPI.stldr").path
        let result = try Self.run(["--board", Self.boardPath(board), "--output", output, "--from", try Self.base()])
        #expect(result.status == 0, "\(result.diagnostics)")
        #expect(result.diagnostics.isEmpty)
        for expected in [routing, "DeviceName          \"MyBoard_QSPI\"", "DeviceStartAddress  \(start)", "pins                \(pins)"] {
            #expect(result.output.contains(expected), "missing \(expected) in\n\(result.output)")
        }

        // What a user would do next: inspect the file it wrote.
        let inspect = try InspectCommand.parse([output])
        var report = ""
        #expect(inspect.execute(output: { report += $0 }, diagnostics: { _ in }) == 0)
        #expect(report.contains("No findings."), "\(report)")
    }

    @Test func theSummaryGivesTheClockAndDivider() throws {
        let output = try Self.temporaryDirectory().appendingPathComponent("PortE.stldr").path
        let result = try Self.run(["--board", Self.boardPath("stm32u5g7-is25lp512m-porte.json"), "--output", output, "--from", try Self.base()])
        #expect(result.output.contains("SYSCLK 120 MHz, divider 2: flash clock 60 MHz"), "\(result.output)")
    }

    @Test func aPinThatCannotCarryItsSignalExitsWith2AndNamesFileFieldAndCandidates() throws {
        let directory = try Self.temporaryDirectory()
        let text = try String(contentsOfFile: Self.boardPath("stm32u5g7-is25lp512m.json"), encoding: .utf8)
            .replacingOccurrences(of: #""clk": { "pin": "PB10""#, with: #""clk": { "pin": "PB11""#)
        #expect(text.contains("PB11"))
        let boardFile = directory.appendingPathComponent("wrong-clk.json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: boardFile))
        let output = directory.appendingPathComponent("X.stldr").path

        let result = try Self.run(["--board", boardFile, "--output", output, "--from", try Self.base()])
        #expect(result.status == 2)
        #expect(result.diagnostics == "\(boardFile): pins.clk: PB11 cannot carry OCTOSPIM port 1 CLK; use one of PA3 (AF10), PB10 (AF10), PE10 (AF10), PF10 (AF3)\n")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func aDebugPinIsPrintedAsBoardLoadSaysIt() throws {
        let directory = try Self.temporaryDirectory()
        let text = try String(contentsOfFile: Self.boardPath("stm32u5g7-is25lp512m.json"), encoding: .utf8)
            .replacingOccurrences(of: #""ncs": { "pin": "PA2""#, with: #""ncs": { "pin": "PA13""#)
        let boardFile = directory.appendingPathComponent("swd.json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: boardFile))
        let result = try Self.run(["--board", boardFile, "--output", directory.appendingPathComponent("X.stldr").path, "--from", try Self.base()])
        #expect(result.status == 2)
        #expect(result.diagnostics.contains("pins.ncs: PA13 is a debug pin (SWD)"), "\(result.diagnostics)")
    }

    @Test func anOutputNotEndingInStldrIsRefused() throws {
        let output = try Self.temporaryDirectory().appendingPathComponent("loader.elf").path
        let result = try Self.run(["--board", Self.boardPath("stm32u5g7-is25lp512m.json"), "--output", output, "--from", try Self.base()])
        #expect(result.status == 2)
        #expect(result.diagnostics.hasPrefix("loader.elf: not usable as a loader name: the file name must end in .stldr"), "\(result.diagnostics)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func aBaseWithoutBoardConfigIsRefused() throws {
        let directory = try Self.temporaryDirectory()
        let foreign = try InspectCommandTests.writeLoader()  // a hand-made ST-style loader
        let output = directory.appendingPathComponent("X.stldr").path
        let result = try Self.run(["--board", Self.boardPath("stm32u5g7-is25lp512m.json"), "--output", output, "--from", foreign])
        #expect(result.status == 2)
        #expect(result.diagnostics.contains("IS25LP512M_STM32U5G7.stldr is not a LoaderLab loader: no BoardConfig block"), "\(result.diagnostics)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func aMissingBaseSaysHowToBuildIt() throws {
        let directory = try Self.temporaryDirectory()
        let result = try Self.run(["--board", Self.boardPath("stm32u5g7-is25lp512m.json"), "--output", directory.appendingPathComponent("X.stldr").path,
                                   "--from", directory.appendingPathComponent("none.stldr").path])
        #expect(result.status == 2)
        #expect(result.diagnostics.contains("none.stldr: cannot read the file"), "\(result.diagnostics)")
    }

    @Test func boardAndOutputAreRequired() {
        #expect(throws: (any Error).self) { try MakeLoaderCommand.parse(["--output", "x.stldr"]) }
        #expect(throws: (any Error).self) { try MakeLoaderCommand.parse(["--board", "b.json"]) }
    }
}
