/* threads: four POSIX threads that allocate, fill and free heap blocks and update
 * shared counters under a mutex; the main thread joins them and prints the totals.
 * A clean program: any report pyref makes on it is a false positive.
 *
 * Copyright (C) 2026 the vg-pyref developers
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_THREADS 4
#define N_ROUNDS 2000
#define N_SLOTS 16

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long blocks_total = 0;
static unsigned long bytes_total = 0;

typedef struct {
    int index;
    unsigned long checksum;
} worker_t;

static void *
worker(void *arg)
{
    worker_t *self = arg;
    unsigned char *slots[N_SLOTS] = {NULL};
    unsigned long blocks = 0;
    unsigned long bytes = 0;

    for (int round = 0; round < N_ROUNDS; round++) {
        int slot = (round * 7 + self->index) % N_SLOTS;
        size_t size = (size_t)(16 + (round * 13 + self->index * 5) % 500);

        free(slots[slot]);
        slots[slot] = malloc(size);
        if (slots[slot] == NULL) {
            return NULL;
        }
        memset(slots[slot], (round + self->index) & 0xff, size);
        self->checksum += slots[slot][size - 1];
        blocks++;
        bytes += size;

        /* Publish in small batches, so the threads really contend for the lock. */
        if (round % 100 == 99) {
            pthread_mutex_lock(&counter_lock);
            blocks_total += blocks;
            bytes_total += bytes;
            pthread_mutex_unlock(&counter_lock);
            blocks = 0;
            bytes = 0;
        }
    }
    for (int slot = 0; slot < N_SLOTS; slot++) {
        free(slots[slot]);
    }
    pthread_mutex_lock(&counter_lock);
    blocks_total += blocks;
    bytes_total += bytes;
    pthread_mutex_unlock(&counter_lock);
    return self;
}

int
main(void)
{
    pthread_t threads[N_THREADS];
    worker_t workers[N_THREADS];
    unsigned long checksum = 0;

    for (int i = 0; i < N_THREADS; i++) {
        workers[i].index = i;
        workers[i].checksum = 0;
        if (pthread_create(&threads[i], NULL, worker, &workers[i]) != 0) {
            fprintf(stderr, "threads: pthread_create failed\n");
            return 1;
        }
    }
    for (int i = 0; i < N_THREADS; i++) {
        void *result = NULL;

        if (pthread_join(threads[i], &result) != 0 || result != &workers[i]) {
            fprintf(stderr, "threads: worker %d failed\n", i);
            return 1;
        }
        checksum += workers[i].checksum;
    }
    printf("threads: %d workers, %lu blocks, %lu bytes, checksum %lu\n",
           N_THREADS, blocks_total, bytes_total, checksum);
    return 0;
}
