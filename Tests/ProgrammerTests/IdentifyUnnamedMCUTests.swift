import Board
import Foundation
import LoaderFile
import NORFlash
import Testing
@testable import Programmer

/// `identify` on a loader whose DeviceName and file name do not name its STM32U5: the line
/// its Init runs on must have every peripheral the loader touches and every pin it routes.
/// Before, the smallest line whose RAM held the loader was taken (a U535: no OCTOSPIM, no
/// port 2), the loader's flash pins were not found there, and no board was written.
@Suite("identify without an MCU in the loader's name")
struct IdentifyUnnamedMCUTests {
    @Test("A port-2 loader for a U5A9, named without its MCU: identify finds a line with the OCTOSPIM and port F")
    func portTwoLoaderFindsALineWithTheOCTOSPIM() throws {
        let board = try MakeLoaderFamilyTests.board("stm32u5a9-mt25ql512abb-port2")
        let loader = try MakeLoaderFamilyTests.loader(for: board, named: "ExternalFlash-port2")
        #expect(LoaderIdentifier.namedMCU(loader: loader, deviceName: loader.storageInfo?.deviceName) == nil)

        let id = LoaderIdentifier.identify(loader: loader)
        let mcu = try #require(MCUDescription.named(id.mcu), "\(id.mcu)")
        #expect(mcu.hasOCTOSPIM, "\(id.mcu): \(id.mcuReason)")
        #expect(id.firstProbe?.absentPeripherals.isEmpty == true, "\(id.firstProbe?.absentPeripherals ?? [])")
        let written = try #require(id.board, "no board: \(id.boardProblem ?? "?")")
        #expect(written.octospi.port == 2)
        #expect(written.pins[.clk]?.pin == board.pins[.clk]?.pin)
        #expect(written.pins[.ncs]?.pin == board.pins[.ncs]?.pin)
        // Our loader learns the part from SFDP: it fits every catalog part, and the name gives
        // no hint, so which one the board names is a placeholder; the board's own part fits.
        #expect(id.fits.contains(board.flash), "\(id.fits)")
        #expect(id.confirmed)
        // The smallest line (U535/U545) lacks the OCTOSPIM the loader configures.
        let smallest = MCUDescription.family[0]
        #expect(!smallest.hasOCTOSPIM)
        #expect(mcu.line != smallest.line)
    }

    @Test("A loader for a U545 (no OCTOSPIM), named without its MCU, still gets the smallest line")
    func u545LoaderKeepsTheSmallestLine() throws {
        let board = try #require(BuiltInBoards.named("stm32u545-w25q128jv"))
        let loader = try MakeLoaderFamilyTests.loader(for: board, named: "ExternalFlash-small")
        let id = LoaderIdentifier.identify(loader: loader)
        #expect(MCUDescription.named(id.mcu)?.line == MCUDescription.family[0].line, "\(id.mcu): \(id.mcuReason)")
        let written = try #require(id.board, "no board: \(id.boardProblem ?? "?")")
        #expect(written.pins[.clk]?.pin == board.pins[.clk]?.pin)
        #expect(id.confirmed)
    }
}
