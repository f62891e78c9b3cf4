/** The smallest real vimi host application. */
module dev.vimi.sample.host {
  requires dev.vimi.api;
}
