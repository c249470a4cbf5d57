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
        pollStarted = clock.now
        pollPeriod = .zero
        activity = .polling(matched: false)
        for _ in 0..<OCTOSPI.maxPollIterations {
            let t = cmd.transaction(address: register(Offset.ar), direction: .read(count: count))
            // One reading of the kernel clock for the poll's duration and its transfer (the same instant).
            let kernel = kernelClock()
            guard let d = duration(of: t, kernel: kernel), let outcome = perform(t, kernel: kernel) else { activity = .idle; return }
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
            pollPeriod = d + gap
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

    /// The CPU reads SR while auto-polling waits on a part that will never answer otherwise
    /// (an injected stuck-busy fault or power loss). Polls at a fixed rate could never match,
    /// and simulating each one until the loader's own deadline (seconds at 160 MHz) would take
    /// minutes of host time, so each such read lets time pass: one poll period, or a sixteenth
    /// of the time waited so far, whichever is longer. A deadline loop around the read then expires after a few
    /// hundred reads, at most 1/16 later than it would on silicon; the call ends the way the
    /// loader's own timeout makes it end, not by the lab's call limit.
    func waitOnStuckDevice() {
        guard case .polling(matched: false) = activity, signalPath?.device.isFrozen == true else { return }
        let waited = clock.now - pollStarted
        let step = max(pollPeriod, DeviceTime(picoseconds: waited.picoseconds / 16), .microseconds(1))
        if pollPeriod.picoseconds > 0 { pollCount += step.picoseconds / pollPeriod.picoseconds }
        clock.advance(by: step)
    }
}
