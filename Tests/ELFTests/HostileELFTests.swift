import Testing
@testable import ELF

/// Hostile or damaged files: each must give an `ELFError` naming the file and offset, never a trap.
@Suite struct HostileELFTests {
    let good = makeSampleELF()

    @Test func aTruncatedHeaderIsReported() throws {
        let error = try #require(parseError(Array(good.prefix(30))))
        #expect(error.kind == .truncated)
        #expect(error.description.hasPrefix("loader.stldr: "))
        #expect(error.description.contains("52-byte ELF32 header"))
    }

    @Test func aFileWithoutTheMagicIsNotELF() throws {
        let error = try #require(parseError(Array(":020000040800F2\n".utf8)))
        #expect(error.kind == .notELF)
        #expect(error.fileOffset == 0)
        #expect(parseError([])?.kind == .notELF)
    }

    @Test func sixtyFourBitAndBigEndianFilesAreUnsupported() {
        var wide = good
        wide[4] = 2
        #expect(parseError(wide)?.kind == .unsupported)
        var big = good
        big[5] = 2
        #expect(parseError(big)?.kind == .unsupported)
    }

    @Test func aProgramHeaderTablePastTheEndIsReported() throws {
        var bytes = good
        bytes.setU32(UInt32(bytes.count - 40), at: 28)  // e_phoff: two 32-byte entries do not fit
        let error = try #require(parseError(bytes))
        #expect(error.kind == .outOfBounds)
        #expect(error.description.contains("program header table"))
        #expect(error.fileOffset == bytes.count - 40)
    }

    @Test func aSegmentWhoseBytesRunPastTheEndNamesTheHeaderAndTheSum() throws {
        var bytes = good
        let at = bytes.programHeaderOffset(1)
        bytes.setU32(0x200, at: at + 16)  // p_filesz
        bytes.setU32(0x200, at: at + 20)  // p_memsz
        bytes.setU32(UInt32(bytes.count - 0x100), at: at + 4)  // p_offset
        let error = try #require(parseError(bytes))
        #expect(error.kind == .outOfBounds)
        #expect(error.fileOffset == at)
        let expected = "loader.stldr: program header 1 at file offset \(hex(at)) points past the end of the file (\(hex(bytes.count - 0x100)) + 0x200 > \(hex(bytes.count)))"
        #expect(error.description == expected)
    }

    @Test func anOffsetNearFourGigabytesDoesNotOverflow() throws {
        var bytes = good
        let at = bytes.programHeaderOffset(0)
        bytes.setU32(0xFFFF_FFF0, at: at + 4)
        #expect(parseError(bytes)?.kind == .outOfBounds)
        var sections = good
        sections.setU32(0xFFFF_FFFF, at: 32)
        #expect(parseError(sections)?.kind == .outOfBounds)
    }

    @Test func aSectionNameOffsetOutOfRangeIsReported() throws {
        var bytes = good
        let at = bytes.sectionHeaderOffset(1)
        bytes.setU32(0x7FFF_0000, at: at)  // sh_name far past .shstrtab
        let error = try #require(parseError(bytes))
        #expect(error.kind == .outOfBounds)
        #expect(error.fileOffset == at)
        #expect(error.description.contains("section header 1"))
        #expect(error.description.contains("past the end of the section name table (section 6)"))
    }

    @Test func aSymbolTableSizeNotAMultipleOfSixteenIsReported() throws {
        var bytes = good
        let file = try ELFFile(bytes: good, name: "x")
        let symtab = try #require(file.section(named: ".symtab"))
        let at = bytes.sectionHeaderOffset(symtab.index)
        bytes.setU32(symtab.size - 3, at: at + 20)
        let error = try #require(parseError(bytes))
        #expect(error.kind == .malformed)
        #expect(error.description.contains("not a multiple of the 16-byte symbol size"))
    }

    @Test func aSymbolNamePastItsStringTableIsReported() throws {
        var bytes = good
        let file = try ELFFile(bytes: good, name: "x")
        let symtab = try #require(file.section(named: ".symtab"))
        bytes.setU32(0xFFFF, at: Int(symtab.offset) + 16)  // name of symbol 1
        let error = try #require(parseError(bytes))
        #expect(error.kind == .outOfBounds)
        #expect(error.description.contains("symbol 1"))
    }

    @Test func hugeCountsAreRejectedBeforeAnyAllocation() throws {
        var phnum = good
        phnum.setU16(0xFFFF, at: 44)
        #expect(parseError(phnum)?.kind == .outOfBounds)
        var shnum = good
        shnum.setU16(0xFFFF, at: 48)
        #expect(parseError(shnum)?.kind == .outOfBounds)
    }

    @Test func aWrongEntrySizeIsReported() {
        var bytes = good
        bytes.setU16(0xFFFF, at: 42)  // e_phentsize
        #expect(parseError(bytes)?.kind == .malformed)
    }

    @Test func aSectionNameTableIndexOutOfRangeIsReported() throws {
        var bytes = good
        bytes.setU16(200, at: 50)
        let error = try #require(parseError(bytes))
        #expect(error.fileOffset == 50)
        #expect(error.kind == .outOfBounds)
    }

    @Test func aLoadSegmentWithMoreFileThanMemoryIsMalformed() {
        var bytes = good
        bytes.setU32(1, at: bytes.programHeaderOffset(0) + 20)
        #expect(parseError(bytes)?.kind == .malformed)
    }

    @Test func everyPrefixOfAValidFileParsesOrThrows() {
        for length in 0..<good.count {
            // Must return; the result itself depends on where the cut falls.
            _ = parseError(Array(good.prefix(length)))
        }
        #expect(parseError(Array(good.prefix(good.count - 1))) != nil)  // section headers are last
    }

    @Test func randomByteDamageNeverTraps() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        var rejected = 0
        for _ in 0..<3000 {
            var bytes = good
            for _ in 0..<(1 + Int(next() % 4)) {
                bytes[Int(next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: next())
            }
            if let file = try? ELFFile(bytes: bytes, name: "fuzz") {
                for segment in file.programHeaders { _ = file.fileBytes(of: segment) }
                _ = file.symbolize(address: UInt32(truncatingIfNeeded: next()))
            } else {
                rejected += 1
            }
        }
        #expect(rejected > 0)
    }
}
