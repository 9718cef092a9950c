import 'piccolore';
import './astro/server_YBCHUQ4X.mjs';
import 'clsx';
