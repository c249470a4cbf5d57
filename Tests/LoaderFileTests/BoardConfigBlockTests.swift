import Board
import ELF
import Foundation
import Testing
@testable import LoaderFile

/// The BoardConfig blocks v1 and v2 as Firmware/README.md specifies them.
@Suite struct BoardConfigBlockTests {
    /// The default v2 block printed in Firmware/README.md ("Default block").
    static let readmeDefaultBlockV2: [UInt8] = [
        0x4c, 0x4c, 0x42, 0x43, 0x02, 0x00, 0x50, 0x00, 0x00, 0x68, 0x89, 0x09, 0x02, 0x00, 0x01, 0x01,
        0x00, 0x02, 0x0a, 0x01, 0x01, 0x0a, 0x0a, 0x00, 0x04, 0x0c, 0x0a, 0x00, 0x01, 0x00, 0x0a, 0x00,
        0x04, 0x0e, 0x0a, 0x01, 0x04, 0x0f, 0x0a, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x58, 0xb6, 0x35,
    ]

    /// The default block printed in Firmware/README.md ("Default block").
    static let readmeDefaultBlock: [UInt8] = [
        0x4c, 0x4c, 0x42, 0x43, 0x01, 0x00, 0x30, 0x00, 0x00, 0x68, 0x89, 0x09, 0x02, 0x00, 0x01, 0x01,
        0x00, 0x02, 0x0a, 0x01, 0x01, 0x0a, 0x0a, 0x00, 0x04, 0x0c, 0x0a, 0x00, 0x01, 0x00, 0x0a, 0x00,
        0x04, 0x0e, 0x0a, 0x01, 0x04, 0x0f, 0x0a, 0x01, 0x00, 0x00, 0x00, 0x00, 0xb8, 0xc7, 0x6e, 0x4d,
    ]

    /// The default board as a v1 block (what loaders built before v2 carry).
    static func defaultBlock() throws -> BoardConfigBlock {
        try #require(BoardConfigBlock(board: .defaultBoard, version: 1))
    }

    @Test func crc32IsZlibsCRC() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test func defaultBoardEncodesToTheFirmwareReadmeBytes() throws {
        let block = try Self.defaultBlock()
        #expect(block.encoded() == Self.readmeDefaultBlock)
        #expect(block.crc == 0x4D6E_C7B8)
    }

    @Test func defaultBoardEncodesToTheV2BytesInTheReadmeAndTheBuiltLoader() throws {
        let block = try #require(BoardConfigBlock(board: .defaultBoard))
        #expect(block.version == 2 && block.encoded() == Self.readmeDefaultBlockV2)
        let elf = try ELFFile(bytes: try FirmwareLoader.bytes(), name: "IS25LP512M_STM32U5G7.stldr")
        let symbol = try #require(elf.symbol(named: "BoardConfig"))
        #expect(symbol.kind == .object && symbol.size == 80)
        let offset = try #require(elf.fileOffset(of: symbol))
        let inFile = Array(elf.bytes[offset..<(offset + 80)])
        #expect(block.encoded() == inFile)
        #expect(try BoardConfigBlock(decoding: inFile, file: elf.name, fileOffset: offset).crc == 0x35B6_580A)
    }

    @Test func aU545BoardSaysNoOCTOSPIMAndAnOctalBoardCarriesItsUpperPins() throws {
        let u545 = try #require(BuiltInBoards.named("stm32u545-w25q128jv"))
        let block = try #require(BoardConfigBlock(board: u545))
        #expect(block.flags == BoardConfigBlock.flagNoOCTOSPIM && block.ramBase == 0x2000_0000 && block.ramSize == 0x4_0000)
        #expect(BoardConfigBlock(board: u545, version: 1) == nil, "v1 cannot say there is no OCTOSPIM")
        let octal = try #require(BuiltInBoards.named("stm32u5a9-mx25lm51245g"))
        let octalBlock = try #require(BoardConfigBlock(board: octal))
        #expect(octalBlock.flags == BoardConfigBlock.flagOctal)
        #expect(octalBlock.pin("dqs")?.description == "PA1 AF10" && octalBlock.pin("io7")?.description == "PC0 AF3")
        let decoded = try BoardConfigBlock(decoding: octalBlock.encoded(), file: "x", fileOffset: 0)
        #expect(decoded == octalBlock)
    }

    @Test func encodeThenDecodeGivesTheSameBlock() throws {
        var block = try Self.defaultBlock()
        block.sysclkHz = 120_000_000
        block.octospiDivider = 3
        block.instance = 2
        block.pins[3] = .init(gpioPort: 4, pin: 13, alternateFunction: 10, pullUp: true)
        let decoded = try BoardConfigBlock(decoding: block.encoded(), file: "x", fileOffset: 0)
        #expect(decoded == block)
        #expect(decoded.pin("io1")?.description == "PE13 AF10 pull-up")
    }

    @Test func pullUpsAreOnNCSAndIO2AndIO3Only() throws {
        let block = try Self.defaultBlock()
        #expect(block.pins.map(\.pullUp) == [true, false, false, false, true, true])
        #expect(block.pins.map(\.flags) == [1, 0, 0, 0, 1, 1])
    }

    @Test func aWrongMagicNamesItsFileOffset() {
        var bytes = Self.readmeDefaultBlock
        bytes[0] = 0x00
        #expect(throws: BoardConfigBlockError.badMagic(file: "l.stldr", fileOffset: 0x1B60, found: 0x4342_4C00)) {
            try BoardConfigBlock(decoding: bytes, file: "l.stldr", fileOffset: 0x1B60)
        }
    }

    @Test func anotherVersionIsRefused() {
        var bytes = Self.readmeDefaultBlock
        bytes[4] = 3
        #expect(throws: BoardConfigBlockError.unsupportedVersion(file: "l", fileOffset: 0x104, found: 3)) {
            try BoardConfigBlock(decoding: bytes, file: "l", fileOffset: 0x100)
        }
    }

    @Test func anotherLengthIsRefused() {
        var bytes = Self.readmeDefaultBlock
        bytes[6] = 0x40
        #expect(throws: BoardConfigBlockError.badLength(file: "l", fileOffset: 0x106, found: 0x40)) {
            try BoardConfigBlock(decoding: bytes, file: "l", fileOffset: 0x100)
        }
    }

    @Test func oneChangedByteBreaksTheCRC() {
        var bytes = Self.readmeDefaultBlock
        bytes[0x11] = 3  // NCS PA2 → PA3
        let computed = CRC32.checksum(bytes[0..<0x2C])
        #expect(throws: BoardConfigBlockError.crcMismatch(file: "l", fileOffset: 0x12C, stored: 0x4D6E_C7B8, computed: computed)) {
            try BoardConfigBlock(decoding: bytes, file: "l", fileOffset: 0x100)
        }
        do {
            _ = try BoardConfigBlock(decoding: bytes, file: "l", fileOffset: 0x100)
        } catch {
            #expect(error.description == "l: BoardConfig CRC-32 at file offset 0x12C is 0x4D6EC7B8; the bytes before it give \(hex(computed, digits: 8))")
        }
    }

    @Test func aShortBlockIsRefusedNotIndexed() {
        #expect(throws: BoardConfigBlockError.truncated(file: "l", fileOffset: 8, count: 20)) {
            try BoardConfigBlock(decoding: Array(Self.readmeDefaultBlock.prefix(20)), file: "l", fileOffset: 8)
        }
    }
}
