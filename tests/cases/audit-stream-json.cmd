audit --format json logs/stream-part1.xml logs/stream-part2.xml
