import LoaderSupport

// The CubeProgrammer entry points (cubeprogrammer-loader.md §1.3). Plain AAPCS functions:
// arguments in r0-r3, result in r0 (r0:r1 for Verify). 1 = success, 0 = failure. Each one
// masks interrupts first; none enables them again.

/// Init: zero .bss, validate BoardConfig, raise SYSCLK, route and start the OCTOSPI, reset
/// the flash, learn it from its SFDP (Discovery), set QE and unprotect it, leave
/// memory-mapped mode on.
@_cdecl("Init")
public func Init() -> UInt32 {
    loader_disable_interrupts()
    LoaderState.zeroBSS()
    CycleCounter.enable()
    guard let board = BoardConfig.load(), let plan = ClockPlan(sysclkHz: board.sysclkHz),
          SystemClock.configure(plan, sysclkHz: board.sysclkHz),
          let spi = FlashBus.configure(board)
    else { return 0 }
    let flash = QuadFlash(spi: spi)
    #if OCTAL
    // An octal part may still be in OPI DTR from an earlier session; after its reset it is
    // in SPI mode, learnt like any other, then switched to OPI DTR (OctalDTR.swift).
    let octal = board.isOctal
    if octal { Profile.flags = Profile.Flag.octalBoard }
    guard !octal || OctalDTR.reset(spi), flash.reset(), let id = flash.readJEDECID(), id != 0, id != 0xFF_FFFF,
          Discovery.configure(flash, id: id), !octal || OctalDTR.enter(flash, instance: board.instance)
    else { return 0 }
    #else
    // An ID of all zeros or all ones is a bus with nothing answering.
    guard flash.reset(), let id = flash.readJEDECID(), id != 0, id != 0xFF_FFFF,
          Discovery.configure(flash, id: id)
    else { return 0 }
    #endif
    // DEVSIZE: 2^(DEVSIZE+1) bytes, the part's size (written while BUSY = 0).
    spi.dcr1.replace(OCTOSPI.DCR1.devsize(0x1F), with: OCTOSPI.DCR1.devsize(UInt32(Profile.size.trailingZeroBitCount) - 1))
    LoaderState.octospiBase = spi.base
    LoaderState.windowBase = OCTOSPI.windowBase(instance: board.instance)
    LoaderState.ready = LoaderState.readyMagic
    guard let session = Session.current, session.enterMemoryMapped() else {
        LoaderState.ready = 0
        return 0
    }
    return 1
}

/// Write(Address, Size, buffer): programs `Size` bytes at absolute `Address`, split at
/// page boundaries (Profile.pageSize), straight from the programmer's buffer into OCTOSPI_DR.
@_cdecl("Write")
public func Write(_ address: UInt32, _ size: UInt32, _ buffer: UInt32) -> UInt32 {
    loader_disable_interrupts()
    guard let session = Session.current, let start = session.offset(of: address, size: size) else { return 0 }
    if size == 0 { return 1 }
    guard let source = UnsafeRawPointer(bitPattern: UInt(buffer)) else { return 0 }
    let ok = session.indirect {
        var done: UInt32 = 0
        while done < size {
            let offset = start + done
            let roomInPage = Profile.pageSize - offset & (Profile.pageSize - 1)
            let chunk = min(roomInPage, size - done)
            guard session.flash.programPage(offset: offset, from: source + Int(done), count: chunk) else { return false }
            done += chunk
        }
        return true
    }
    return ok ? 1 : 0
}

/// SectorErase(start, end), end inclusive: erases every smallest-erase-type sector that
/// overlaps the range, each step with the largest erase type (Profile) that is aligned there
/// and stays inside the range, so nothing outside those sectors is touched.
@_cdecl("SectorErase")
public func SectorErase(_ startAddress: UInt32, _ endAddress: UInt32) -> UInt32 {
    loader_disable_interrupts()
    guard let session = Session.current, endAddress >= startAddress,
          let first = session.offset(of: startAddress, size: 1),
          let last = session.offset(of: endAddress, size: 1)
    else { return 0 }
    let ok = session.indirect {
        let sector = UInt32(1) << Profile.smallestEraseShift
        var offset = first & ~(sector - 1)
        let end = (last & ~(sector - 1)) + sector  // exclusive, ≤ Profile.size
        while offset < end {
            // The largest type aligned at `offset` that fits; type 0 always does.
            var type: UInt32 = 0
            var candidate: UInt32 = 1
            while candidate < 4 {
                let shift = (Profile.eraseShifts >> (8 * candidate)) & 0xFF
                if shift != 0 && offset & ((UInt32(1) << shift) - 1) == 0 && end - offset >= UInt32(1) << shift { type = candidate }
                candidate += 1
            }
            let shift = (Profile.eraseShifts >> (8 * type)) & 0xFF
            let opcode = UInt8(truncatingIfNeeded: Profile.eraseOpcodes >> (8 * type))
            guard session.flash.erase(opcode: opcode, offset: offset, milliseconds: SPINOR.Timeout.eraseMs(shift: shift)) else { return false }
            offset += UInt32(1) << shift
        }
        return true
    }
    return ok ? 1 : 0
}

/// MassErase(Parallelism): chip erase C7h (Parallelism is unused, as in ST's loaders).
@_cdecl("MassErase")
public func MassErase(_ parallelism: UInt32) -> UInt32 {
    loader_disable_interrupts()
    guard let session = Session.current else { return 0 }
    return session.indirect { session.flash.eraseChip() } ? 1 : 0
}

/// Read(Address, Size, buffer): copies through the memory-mapped window, words where aligned (the programmer
/// normally reads a NOR_FLASH device itself; this is for hosts that call Read).
@_cdecl("Read")
public func Read(_ address: UInt32, _ size: UInt32, _ buffer: UInt32) -> UInt32 {
    loader_disable_interrupts()
    guard let session = Session.current, session.offset(of: address, size: size) != nil else { return 0 }
    if size == 0 { return 1 }
    guard let destination = UnsafeMutableRawPointer(bitPattern: UInt(buffer)), session.enterMemoryMapped() else { return 0 }
    WindowAccess.copy(from: address, count: size, to: destination)
    return 1
}

/// Verify(MemoryAddr, RAMBufferAddr, Size in words, missalignement) → r0:r1.
/// head = bits 3:0, tail = bits 19:16 of missalignement. Compares RAMBuffer[k] with
/// MemoryAddr + k for k in [head, 4·Size − tail). r0 (low word): 0 when equal, else the
/// absolute address of the first differing byte. r1 (high word): ST's
/// CheckSum(MemoryAddr + head, 4·Size − tail, 0), i.e. the byte sum of the compared range.
@_cdecl("Verify")
public func Verify(_ memoryAddress: UInt32, _ bufferAddress: UInt32, _ words: UInt32, _ misalignment: UInt32) -> UInt64 {
    loader_disable_interrupts()
    let failure = UInt64(memoryAddress == 0 ? 1 : memoryAddress)
    guard words <= Profile.size / 4, let session = Session.current else { return failure }
    let total = words * 4
    let head = misalignment & 0xF
    let tail = (misalignment >> 16) & 0xF
    guard head + tail <= total, session.offset(of: memoryAddress, size: total) != nil,
          let buffer = UnsafeRawPointer(bitPattern: UInt(bufferAddress)), session.enterMemoryMapped()
    else { return failure }
    let checksumStart = memoryAddress + head
    let checksumEnd = min(ByteSum.end(start: checksumStart, size: total - tail), memoryAddress + total)
    let checksum = UInt64(ByteSum.sum(from: checksumStart, to: checksumEnd, initial: 0)) << 32
    if let index = WindowAccess.firstDifference(address: memoryAddress, buffer: buffer, from: head, to: total - tail) {
        return checksum | UInt64(memoryAddress + index)
    }
    return checksum
}

/// CheckSum(StartAddress, Size, InitVal): InitVal plus the bytes in
/// [StartAddress, (StartAddress & ~3) + Size), ST's range (see ByteSum). Returns InitVal
/// unchanged when that range leaves the device or Init has not succeeded.
@_cdecl("CheckSum")
public func CheckSum(_ startAddress: UInt32, _ size: UInt32, _ initial: UInt32) -> UInt32 {
    loader_disable_interrupts()
    guard let session = Session.current, session.offset(of: startAddress, size: 0) != nil else { return initial }
    let end = ByteSum.end(start: startAddress, size: size)
    guard session.offset(of: startAddress, size: end - startAddress) != nil, session.enterMemoryMapped() else { return initial }
    return ByteSum.sum(from: startAddress, to: end, initial: initial)
}
