import NORFlash
import VirtualTime

extension OCTOSPI {
    /// A read through the memory window at `offset` (from the window base), `count`
    /// bytes as one transaction; nil is an AHB bus error.
    func windowRead(offset: UInt32, count: Int) -> [UInt8]? {
        guard windowUsable(offset: offset) else { return nil }
        let t = command.transaction(address: offset, direction: .read(count: count))
        guard let outcome = perform(t, memoryMappedRead: true) else { return nil }
        activity = .memoryMapped(lastAccess: clock.now)
        return outcome.data
    }

    func windowWrite(offset: UInt32, bytes: [UInt8]) -> Bool {
        guard windowUsable(offset: offset) else { return false }
        let wcmd = writeCommand
        guard wcmd.hasData else {
            log.record(.windowAccessRejected(instance: instance, address: offset, reason: "a write in memory-mapped mode needs WCCR.DMODE≠0"))
            return false
        }
        guard let outcome = perform(wcmd.transaction(address: offset, direction: .write(bytes))) else { return false }
        if outcome.delivered { onFlashMayChange() }
        activity = .memoryMapped(lastAccess: clock.now)
        return true
    }

    private func windowUsable(offset: UInt32) -> Bool {
        let why: String?
        if !gate.isOn() { why = "\(gate.bitName)=0" }
        else if !isEnabled { why = "CR.EN=0" }
        else if fmode != 3 { why = "CR.FMODE=\(String(fmode, radix: 2).leftPad(2)), not 11 (memory-mapped)" }
        else if UInt64(offset) >= deviceBytes { why = "beyond DEVSIZE (\(deviceBytes) bytes)" }
        else { why = nil }
        if let why {
            log.record(.windowAccessRejected(instance: instance, address: offset, reason: why))
            return false
        }
        if case .memoryMapped = activity { return true }
        if isBusy {
            log.record(.windowAccessRejected(instance: instance, address: offset, reason: "an indirect operation is still ongoing (BUSY=1)"))
            return false
        }
        return true
    }
}
