/// The OCTOSPI transfer engine: indirect write/read, automatic status polling, memory-mapped
/// mode and abort, following the start rules of RM0456 (shared/reference stm32u5.md §B.2):
///
///   registers are written in the order  CR.FMODE → DLR → CCR → TCR → IR → AR
///   ┌─────────────────────────────┬────────────────────────────────────────────┐
///   │ no data phase               │ starts on the last register: IR if ADMODE=0 │
///   │                             │ else AR                                     │
///   │ indirect write with data    │ starts when the first byte is written to DR │
///   │ indirect read / auto-poll   │ starts on AR if ADMODE≠0, else on IR        │
///   └─────────────────────────────┴────────────────────────────────────────────┘
///   AR/IR writes are ignored while BUSY = 1 or FMODE = 11, so every transfer first waits
///   for BUSY = 0, and memory-mapped mode is left with CR.ABORT.
extension OCTOSPI {
    /// Short command transfers: a few bytes at ≥ 1 MHz take microseconds; 10 ms is ample.
    static let transferTimeoutMs: UInt32 = Register.shortWaitMs

    func waitNotBusy() -> Bool {
        sr.wait(SR.busy, equals: 0)
    }

    /// Waits for `flag` in SR for `transferTimeoutMs`.
    func waitFlag(_ flag: UInt32) -> Bool {
        sr.wait(flag, equals: flag)
    }

    func waitFlag(_ flag: UInt32, milliseconds: UInt32) -> Bool {
        sr.wait(flag, equals: flag, milliseconds: milliseconds)
    }

    /// Programs one command and, where the start rules say so, starts it.
    private func start(_ command: SPICommand, mode: FunctionalMode, dataLength: UInt32, crExtra: UInt32 = 0) -> Bool {
        guard waitNotBusy() else { return false }
        fcr.value = FCR.all
        cr.replace(CR.fmodeMask | CR.apms | CR.pmm, with: mode.crBits | crExtra)
        if command.hasData { dlr.value = dataLength &- 1 }
        ccr.value = command.ccr
        tcr.value = command.tcr
        ir.value = command.instruction
        if command.hasAddress { ar.value = command.address }
        return true
    }

    /// A command without data phase (WREN, erase, reset...). Done when TCF is set.
    func run(_ command: SPICommand) -> Bool {
        guard start(command, mode: .indirectWrite, dataLength: 0) else { return false }
        return finish()
    }

    /// Reads 1...4 bytes (status/ID registers, SFDP words); the first byte received is bits
    /// 7:0. The data fits the 32-byte FIFO, so the bytes are taken after TCF: four bytes with
    /// one word load of DR (a 32-bit access pops 4 bytes, RM0456 OCTOSPI_DR), fewer byte by byte.
    func read(_ command: SPICommand, count: UInt32) -> UInt32? {
        guard count >= 1, count <= 4 else { return nil }
        guard start(command, mode: .indirectRead, dataLength: count) else { return nil }
        guard waitFlag(SR.tcf) else {
            _ = abort()
            return nil
        }
        var value: UInt32 = 0
        if count == 4 {
            value = dr.value
        } else {
            var index: UInt32 = 0
            while index < count {
                value |= UInt32(loadByte(dr.address)) << (8 * index)
                index += 1
            }
        }
        fcr.value = FCR.ctcf
        return waitNotBusy() ? value : nil
    }

    /// Sends `count` ≥ 1 bytes from `source` as the data phase, in bursts: FTF says the
    /// FIFO has at least `fifoThreshold` (16) free bytes, so up to 16 bytes follow without
    /// another look at SR, as 32-bit DR writes (4 bytes each) and single bytes for a tail.
    func write(_ command: SPICommand, from source: UnsafeRawPointer, count: UInt32) -> Bool {
        guard count >= 1 else { return false }
        guard start(command, mode: .indirectWrite, dataLength: count) else { return false }
        var offset: UInt32 = 0
        while offset < count {
            guard waitFlag(SR.ftf) else {
                _ = abort()
                return false
            }
            let burstEnd = count - offset > OCTOSPI.fifoThreshold ? offset + OCTOSPI.fifoThreshold : count
            while burstEnd - offset >= 4 {
                dr.value = source.loadUnaligned(fromByteOffset: Int(offset), as: UInt32.self)
                offset += 4
            }
            while offset < burstEnd {
                storeByte(dr.address, source.load(fromByteOffset: Int(offset), as: UInt8.self))
                offset += 1
            }
        }
        return finish()
    }

    /// Sends `value` (1 byte) as the data phase, e.g. a register write.
    func writeByte(_ command: SPICommand, _ value: UInt8) -> Bool {
        guard start(command, mode: .indirectWrite, dataLength: 1) else { return false }
        guard waitFlag(SR.ftf) else {
            _ = abort()
            return false
        }
        storeByte(dr.address, value)
        return finish()
    }

    /// Automatic status polling (FMODE = 10, APMS = 1, AND-match): the controller re-reads
    /// one status byte every `PIR` clocks until `(status & mask) == match`.
    func poll(_ command: SPICommand, mask: UInt8, match: UInt8, milliseconds: UInt32) -> Bool {
        guard waitNotBusy() else { return false }
        psmkr.value = UInt32(mask)
        psmar.value = UInt32(match)
        pir.value = 0x10
        #if OCTAL
        // DTR moves two bytes per clock: the status register comes twice (DLR = 1).
        let bytes: UInt32 = command.ccr & 1 << 27 != 0 ? 2 : 1
        #else
        let bytes: UInt32 = 1
        #endif
        guard start(command, mode: .automaticPolling, dataLength: bytes, crExtra: CR.apms) else { return false }
        guard waitFlag(SR.smf, milliseconds: milliseconds) else {
            _ = abort()
            return false
        }
        fcr.value = FCR.csmf
        return waitNotBusy()
    }

    private func finish() -> Bool {
        guard waitFlag(SR.tcf) else {
            _ = abort()
            return false
        }
        fcr.value = FCR.ctcf
        return waitNotBusy()
    }

    /// CR.ABORT, then TCF, then BUSY = 0 (HAL_OSPI_Abort), leaving FMODE = indirect write.
    /// The abort counts as complete when TCF is set or, if nothing was running (memory-mapped
    /// mode idle, where RM0456 does not promise a TCF), when ABORT has cleared itself and
    /// BUSY = 0; success means the controller ends up idle.
    func abort() -> Bool {
        cr.set(CR.abort)
        var deadline = Deadline(milliseconds: OCTOSPI.transferTimeoutMs)
        while !sr.anySet(SR.tcf) && (cr.anySet(CR.abort) || sr.anySet(SR.busy)) {
            if deadline.expired() { break }
        }
        fcr.value = FCR.ctcf
        let idle = waitNotBusy()
        cr.replace(CR.fmodeMask | CR.apms, with: FunctionalMode.indirectWrite.crBits)
        return idle
    }

    /// Memory-mapped reads with `command` (its address is ignored). CCR/TCR/IR are written
    /// while FMODE = 00 (writing IR there starts nothing: there is an address phase and no AR
    /// write follows), then FMODE = 11.
    func enterMemoryMapped(_ command: SPICommand) -> Bool {
        guard waitNotBusy() else { return false }
        fcr.value = FCR.all
        cr.replace(CR.fmodeMask | CR.apms | CR.tcen, with: FunctionalMode.indirectWrite.crBits)
        ccr.value = command.ccr
        tcr.value = command.tcr
        abr.value = 0xFF  // the mode byte, when the command has one (SPICommand.modeByte)
        ir.value = command.instruction
        cr.replace(CR.fmodeMask, with: FunctionalMode.memoryMapped.crBits)
        return true
    }

    /// Leaves memory-mapped mode (or any transfer in progress). No-op when idle.
    func leaveMemoryMapped() -> Bool {
        if functionalMode == .memoryMapped || sr.anySet(SR.busy) {
            return abort()
        }
        return true
    }
}
