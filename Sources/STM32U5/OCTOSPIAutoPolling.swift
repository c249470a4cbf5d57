import NORFlash
import VirtualTime

extension OCTOSPI {
    /// Automatic status polling (RM0456 OCTOSPI "automatic status-polling mode"): the
    /// status read repeats every PIR clocks until (status & PSMKR) matches PSMAR (AND,
    /// PMM = 0) or any masked bit matches (OR, PMM = 1). Instead of simulating each poll
    /// the clock jumps to the flash's `nextSelfTimedChange`; the skipped polls are counted.
    func autoPoll() {
        let cmd = command
        let count = min(Int(register(Offset.dlr) & 3) + 1, 4)
        let mask = register(Offset.psmkr), match = register(Offset.psmar)
        let interval = UInt64(register(Offset.pir) & 0xFFFF)
        let or = cr & (1 << 23) != 0
        let stopOnMatch = cr & (1 << 22) != 0
        pollCount = 0
        activity = .polling(matched: false)
        for _ in 0..<OCTOSPI.maxPollIterations {
            let t = cmd.transaction(address: register(Offset.ar), direction: .read(count: count))
            guard let d = duration(of: t), let outcome = perform(t) else { activity = .idle; return }
            pollCount += 1
            ftfPolled = true
            var status: UInt32 = 0
            for (i, b) in outcome.data.prefix(4).enumerated() { status |= UInt32(b) << UInt32(8 * i) }
            lastStatus = status
            let matched = or ? ((~(status ^ match)) & mask) != 0 : (status & mask) == (match & mask)
            if matched {
                smf = true
                log.record(.autoPollMatched(instance: instance, polls: pollCount, status: status))
                activity = stopOnMatch ? .idle : .polling(matched: true)
                return
            }
            let hz = kernelClock().hz
            let gap = DeviceTime.cycles(interval * prescaler, atHertz: hz)
            guard outcome.delivered, let next = signalPath?.device.nextSelfTimedChange, next > clock.now else {
                log.record(.autoPollStalled(instance: instance, status: status, mask: mask, match: match))
                return
            }
            let period = d + gap
            let waitedFor = next - clock.now
            if period.picoseconds > 0 { pollCount += waitedFor.picoseconds / period.picoseconds }
            clock.advance(to: next)
        }
    }
}
