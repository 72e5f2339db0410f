#pragma once
// Everything a protocol author or a test needs, in one include.
