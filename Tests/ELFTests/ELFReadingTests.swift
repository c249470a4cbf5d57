import Testing
@testable import ELF

@Suite struct ELFReadingTests {
    let file: ELFFile

    init() throws {
        file = try ELFFile(bytes: makeSampleELF(), name: "loader.stldr")
    }

    @Test func readsTheHeaderFields() {
        #expect(file.header.type == ELFHeader.typeExecutable)
        #expect(file.header.machine == ELFHeader.machineARM)
        #expect(file.entry == 0x2000_0005)
        #expect(file.flags == 0x0500_0200)
        #expect(!file.header.isHardFloat)
        #expect(file.header.eabiVersion == 5)
    }

    @Test func readsProgramHeadersWithFileAndMemorySizes() {
        #expect(file.programHeaders.count == 2)
        let code = file.programHeaders[0]
        #expect(code.isLoad)
        #expect(code.virtualAddress == 0x2000_0004)
        #expect(code.physicalAddress == 0x2000_0004)
        #expect(code.fileSize == 64)
        #expect(code.memorySize == 64 + 0x20)  // .bss extends memory, not the file
        #expect(code.flags == 7)
        #expect(file.programHeaders[1].fileSize == 200)
        #expect(file.programHeaders[1].flagsDescription == "R  ")
    }

    @Test func namesSectionsThroughTheSectionNameTable() {
        let names = file.sections.map(\.name)
        #expect(names == ["", ".text", ".bss", ".Dev_info", ".symtab", ".strtab", ".shstrtab"])
        #expect(file.section(named: ".bss")?.type == Section.typeNoBits)
        #expect(file.section(named: ".Dev_info")?.size == 200)
    }

    @Test func readsSymbolsWithKindBindingAndSection() throws {
        let info = try #require(file.symbol(named: "StorageInfo"))
        #expect(info.kind == .object)
        #expect(info.binding == .global)
        #expect(info.size == 200)
        #expect(file.section(at: Int(info.sectionIndex))?.name == ".Dev_info")
        let helper = try #require(file.symbol(named: "helper"))
        #expect(helper.binding == .local)
        #expect(helper.kind == .function)
        #expect(file.symbol(named: "Missing") == nil)
        #expect(file.hasSymbolTable)
    }

    @Test func returnsTheFileBytesOfASegment() {
        #expect(file.fileBytes(of: file.programHeaders[0]) == (0..<64).map { UInt8($0) })
        #expect(file.fileBytes(of: file.programHeaders[1]) == [UInt8](repeating: 0xAB, count: 200))
    }

    @Test func mapsVirtualAddressesToFileOffsetsOnlyInsideFileBytes() throws {
        let text = try #require(file.section(named: ".text"))
        #expect(file.fileOffset(ofVirtualAddress: 0x2000_0004) == Int(text.offset))
        #expect(file.fileOffset(ofVirtualAddress: 0x2000_0010) == Int(text.offset) + 12)
        #expect(file.fileOffset(ofVirtualAddress: 0x2000_0044) == nil)  // .bss: memory only
        #expect(file.fileOffset(ofVirtualAddress: 0x1000_0000) == nil)
        #expect(file.bytes(atVirtualAddress: 0x2000_0006, count: 3) == [2, 3, 4])
        #expect(file.bytes(atVirtualAddress: 0x2000_0040, count: 8) == nil)  // runs into .bss
    }

    @Test func locatesADataSymbolsBytesThroughItsSection() throws {
        let info = try #require(file.symbol(named: "StorageInfo"))
        let section = try #require(file.section(named: ".Dev_info"))
        #expect(file.fileOffset(of: info) == Int(section.offset))
        let initSymbol = try #require(file.symbol(named: "Init"))
        #expect(file.fileOffset(of: initSymbol) == file.fileOffset(ofVirtualAddress: 0x2000_0005))
    }

    @Test func symbolizesAnAddressInsideAFunctionWithTheThumbBitCleared() throws {
        let hit = try #require(file.symbolize(address: 0x2000_001E))
        #expect(hit.name == "Write")
        #expect(hit.offset == 0xA)
        let odd = try #require(file.symbolize(address: 0x2000_0005))
        #expect(odd.name == "Init" && odd.offset == 0)
    }

    @Test func symbolizesAZeroSizedFunctionOnlyAtItsStart() {
        #expect(file.symbolize(address: 0x2000_0034)?.name == "helper")
        #expect(file.symbolize(address: 0x2000_0036) == nil)
        #expect(file.symbolize(address: 0x0800_0000) == nil)
    }

    @Test func aStrippedFileHasNoSymbolTable() throws {
        var builder = ELFBuilder()
        let text = builder.addSection(".text", address: 0x2000_0004, bytes: [0, 0xBF])
        builder.addSegment(flags: 5, sections: [text])
        builder.addSymbol("Init", value: 0x2000_0005, section: text)
        builder.includeSymbolTable = false
        let stripped = try ELFFile(bytes: builder.build(), name: "s.stldr")
        #expect(!stripped.hasSymbolTable)
        #expect(stripped.symbols.isEmpty)
        #expect(stripped.programHeaders.count == 1)
    }

    @Test func readsAFileWithoutSectionHeaders() throws {
        var builder = ELFBuilder()
        let text = builder.addSection(".text", address: 0x2000_0004, bytes: [1, 2, 3, 4])
        builder.addSegment(flags: 5, sections: [text])
        builder.includeSectionHeaders = false
        let bare = try ELFFile(bytes: builder.build(), name: "bare.elf")
        #expect(bare.sections.isEmpty)
        #expect(bare.fileBytes(of: bare.programHeaders[0]) == [1, 2, 3, 4])
    }
}
