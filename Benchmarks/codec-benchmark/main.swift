// Prints translations per second of the DTO codecs (seed samples), for bench/codec.sh.
import Gateway

let iterations = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 50_000
print(CodecBenchmark.run(iterations: iterations))
