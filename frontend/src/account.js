// "My suggestions": the category swatches take their colours (a style attribute would break the CSP).
import './account.css';
import { paintSwatches } from './dom.js';

paintSwatches();
