/* Encode-only throughput of libqrencode (Debian's libqrencode-dev), for
 * bench/render.ts: reads one URL per line from stdin, encodes each at level
 * M in 8-bit mode `rounds` times, prints the median encodes per second. */
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, stdin);
    buf[n] = 0;
    char *lines[100000];
    int count = 0;
    for (char *p = strtok(buf, "\n"); p && count < 100000; p = strtok(NULL, "\n")) lines[count++] = p;
    double rates[64];
    if (rounds > 64) rounds = 64;
    for (int r = 0; r < rounds; r++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (int i = 0; i < count; i++) {
            QRcode *q = QRcode_encodeString(lines[i], 0, QR_ECLEVEL_M, QR_MODE_8, 1);
            if (!q) return 1;
            QRcode_free(q);
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        rates[r] = count / ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
    }
    qsort(rates, rounds, sizeof rates[0], cmp);
    printf("%.0f\n", rates[rounds / 2]);
    return 0;
}
